"""Hostile local HTTP servers for tests (loopback only, port 0, one thread per request).

    with HostileServer() as srv:
        srv.set_robots(200, "User-agent: *\\nDisallow: /private\\n")
        url = srv.url("/page/1")
        ...
        assert srv.count("/page/1") == 1
        srv.arrivals("/page/1")  # monotonic timestamps of each arrival

Built-in routes (query parameters in brackets):
  /page/<any>                      200 text/html, UTF-8, a Vietnamese title
  /robots.txt                      404 unless set_robots() says otherwise (status/body/delay/Location)
  /status/<code>  [retry_after, location]   that status, optional Retry-After / Location
  /flaky/<key>    [fail=2, status=503, retry_after]   first `fail` hits fail, then 200
  /redirect       [to, status=302] redirect to `to` (absolute or relative)
  /loop/a, /loop/b                 redirect to each other forever
  /slow           [chunks=5, delay=0.2, size=100]   drip `chunks` pieces of `size` bytes
  /hang           [s=30]           accept, then say nothing for `s` seconds (or until close)
  /truncated      [claim=1000, send=10]   Content-Length `claim`, send `send` bytes, close
  /big            [size]           uncompressed body of `size` bytes
  /bomb/<gzip|deflate|br> [size=16777216]   `size` zero bytes compressed with that Content-Encoding
  /charset/wrong                   header says UTF-8, body is windows-1258
  /charset/missing                 no charset in header; <meta charset=utf-8> in body
  /charset/none                    UTF-8 body, no charset anywhere
Extra routes: ``srv.route("/x", handler)`` where ``handler(h: Handler) -> None`` uses ``h.reply(...)``.
"""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from time import monotonic
from typing import Any
from urllib.parse import parse_qs, urlsplit

import brotli
import pytest

PAGE_HTML = "<html><head><title>Tin tức Quảng Ninh</title></head><body><p>Đây là bài báo.</p></body></html>"


@lru_cache(maxsize=16)
def compressed_zeros(encoding: str, size: int) -> bytes:
    """``size`` zero bytes compressed as gzip, deflate (zlib) or br -- a decompression bomb when large."""
    data = bytes(size)
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9)
    if encoding == "deflate":
        return zlib.compress(data, 9)
    if encoding == "br":
        return bytes(brotli.compress(data, quality=5))
    raise ValueError(encoding)


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    q: dict[str, str]  # the query string, last value per key

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr noise
        pass

    def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        srv = self.server.owner
        srv._record(
            RecordedRequest(
                self.command, parts.path, self.q, {k.lower(): v for k, v in self.headers.items()}, monotonic()
            )
        )
        handler = srv._match(parts.path)
        try:
            handler(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def wait(self, seconds: float) -> None:
        """Sleep, but wake up when the server closes (so hanging handlers never outlive a test)."""
        self.server.owner.closing.wait(seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: HostileServer


class _Server6(_Server):
    address_family = socket.AF_INET6


def _page(h: Handler) -> None:
    h.reply(200, PAGE_HTML.encode())


def _status(h: Handler) -> None:
    code = int(h.path.split("?")[0].rsplit("/", 1)[1])
    headers = {}
    if "retry_after" in h.q:
        headers["Retry-After"] = h.q["retry_after"]
    if "location" in h.q:
        headers["Location"] = h.q["location"]
    h.reply(code, f"status {code}".encode(), headers)


def _flaky(h: Handler) -> None:
    key = urlsplit(h.path).path
    n = h.server.owner.count(key)
    if n <= int(h.q.get("fail", "2")):
        headers = {"Retry-After": h.q["retry_after"]} if "retry_after" in h.q else {}
        h.reply(int(h.q.get("status", "503")), b"try later", headers)
    else:
        h.reply(200, PAGE_HTML.encode())


def _redirect(h: Handler) -> None:
    h.reply(int(h.q.get("status", "302")), b"", {"Location": h.q["to"]})


def _loop(h: Handler) -> None:
    other = "/loop/b" if urlsplit(h.path).path == "/loop/a" else "/loop/a"
    h.reply(302, b"", {"Location": other})


def _slow(h: Handler) -> None:
    chunks, size, delay = (
        int(h.q.get("chunks", "5")),
        int(h.q.get("size", "100")),
        float(h.q.get("delay", "0.2")),
    )
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Content-Length", str(chunks * size))
    h.end_headers()
    for _ in range(chunks):
        h.wfile.write(b"x" * size)
        h.wfile.flush()
        h.wait(delay)


def _hang(h: Handler) -> None:
    h.wait(float(h.q.get("s", "30")))
    h.close_connection = True


def _truncated(h: Handler) -> None:
    h.reply(200, b"y" * int(h.q.get("send", "10")), {"Content-Length": h.q.get("claim", "1000")})
    h.wfile.flush()
    h.close_connection = True


def _big(h: Handler) -> None:
    h.reply(200, b"z" * int(h.q["size"]), {"Content-Type": "text/plain"})


def _bomb(h: Handler) -> None:
    enc = urlsplit(h.path).path.rsplit("/", 1)[1]
    body = compressed_zeros(enc, int(h.q.get("size", str(16 * 1024 * 1024))))
    h.reply(200, body, {"Content-Encoding": enc, "Content-Type": "text/plain"})


def _charset(h: Handler) -> None:
    kind = urlsplit(h.path).path.rsplit("/", 1)[1]
    if kind == "wrong":
        h.reply(
            200, PAGE_HTML.encode("cp1258", errors="replace"), {"Content-Type": "text/html; charset=utf-8"}
        )
    elif kind == "missing":
        body = PAGE_HTML.replace("<head>", '<head><meta charset="utf-8">').encode()
        h.reply(200, body, {"Content-Type": "text/html"})
    else:
        h.reply(200, PAGE_HTML.encode(), {"Content-Type": "text/html"})


class HostileServer:
    """A threaded HTTP/1.1 server on loopback, port 0, with misbehaving routes and a request log."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.closing = threading.Event()
        self.requests: list[RecordedRequest] = []
        self._hits: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()
        self._routes: dict[str, Callable[[Handler], None]] = {
            "/page/": _page,
            "/status/": _status,
            "/flaky/": _flaky,
            "/redirect": _redirect,
            "/loop/": _loop,
            "/slow": _slow,
            "/hang": _hang,
            "/truncated": _truncated,
            "/big": _big,
            "/bomb/": _bomb,
            "/charset/": _charset,
            "/robots.txt": self._robots,
        }
        self.set_robots(404, "")

    # -- configuration -------------------------------------------------------------------------
    def route(self, path: str, handler: Callable[[Handler], None]) -> None:
        """Serve ``path`` (exact, or a prefix when it ends with ``/``) with ``handler``."""
        self._routes[path] = handler

    def set_robots(
        self, status: int, body: str = "", delay: float = 0.0, location: str | None = None
    ) -> None:
        """How /robots.txt answers; ``delay`` longer than the client timeout simulates a timeout."""
        self._robots_spec = (status, body, delay, location)

    def _robots(self, h: Handler) -> None:
        status, body, delay, location = self._robots_spec
        if delay:
            h.wait(delay)
        h.reply(
            status,
            body.encode(),
            {"Content-Type": "text/plain", **({"Location": location} if location else {})},
        )

    # -- observation ---------------------------------------------------------------------------
    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)
            self._hits[req.path].append(req.at)

    def count(self, path: str | None = None) -> int:
        with self._lock:
            return len(self.requests) if path is None else len(self._hits.get(path, []))

    def arrivals(self, path: str | None = None) -> list[float]:
        with self._lock:
            return sorted(r.at for r in self.requests) if path is None else list(self._hits.get(path, []))

    def _match(self, path: str) -> Callable[[Handler], None]:
        if path in self._routes:
            return self._routes[path]
        for prefix, handler in sorted(self._routes.items(), key=lambda kv: -len(kv[0])):
            if prefix.endswith("/") and path.startswith(prefix):
                return handler
        return lambda h: h.reply(404, b"not found")

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> HostileServer:
        server_cls = _Server6 if ":" in self.host else _Server
        self._httpd = server_cls((self.host, 0), Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="hostile-http", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def hostile_server() -> Iterator[HostileServer]:
    with HostileServer() as srv:
        yield srv
