"""The loopback HTTP server of the tests (127.0.0.1 or ::1, port 0, a thread per request, HTTP/1.1).

``HostileServer`` misbehaves on demand and records every request; ``serve_site`` runs a small publisher on
it (one RSS feed, its article pages, a home page that links the feed, robots.txt allowing all).

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
  /charset/<wrong|missing|none>    header says UTF-8, body is windows-1258 | <meta charset> only | no charset
Extra routes: ``srv.route("/x", handler)`` where ``handler(h: Handler) -> None`` uses ``h.reply(...)``;
``srv.page("/x", body, content_type)`` serves fixed bytes. POSTs are routed like GETs, with their body in
``RecordedRequest.body`` (``srv.requests``).
"""

from __future__ import annotations

import select
import socket
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from time import monotonic
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests import pagefactory as pf

PAGE_HTML = "<html><head><title>Tin tức Quảng Ninh</title></head><body><p>Đây là bài báo.</p></body></html>"
# Publication time of the site's first article; each next one is a minute later.
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival
    body: bytes = b""  # a POST's body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, keep-alive clients wait ~40 ms per response for
    # the delayed ACK. Publishers' servers (nginx, ...) set TCP_NODELAY; so does this one.
    disable_nagle_algorithm = True
    server: _Server
    q: dict[str, str]  # the query string, last value per key
    route_path: str  # the path without the query

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
        self._dispatch(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def _dispatch(self, body: bytes) -> None:
        parts = urlsplit(self.path)
        self.route_path, self.q = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
        srv = self.server.owner
        srv._record(RecordedRequest(self.command, parts.path, self.q,
                                    {k.lower(): v for k, v in self.headers.items()}, monotonic(), body))
        try:
            srv._match(parts.path)(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def wait(self, seconds: float) -> None:
        """Sleep, but wake up when the server closes (so hanging handlers never outlive a test)."""
        self.server.owner.closing.wait(seconds)

    def peer_gone(self) -> bool:
        """True once the client has closed its end (a killed crawler's sockets are closed by the kernel)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: HostileServer


class _Server6(_Server):
    address_family = socket.AF_INET6


def _status(h: Handler) -> None:
    code = int(h.route_path.rsplit("/", 1)[1])
    names = {"retry_after": "Retry-After", "location": "Location"}
    h.reply(code, f"status {code}".encode(), {names[k]: v for k, v in h.q.items() if k in names})


def _flaky(h: Handler) -> None:
    if h.server.owner.count(h.route_path) <= int(h.q.get("fail", "2")):
        headers = {"Retry-After": h.q["retry_after"]} if "retry_after" in h.q else {}
        h.reply(int(h.q.get("status", "503")), b"try later", headers)
    else:
        h.reply(200, PAGE_HTML.encode())


def _slow(h: Handler) -> None:
    chunks, size, delay = int(h.q.get("chunks", "5")), int(h.q.get("size", "100")), float(h.q.get("delay", "0.2"))
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


def _bomb(h: Handler) -> None:
    enc = h.route_path.rsplit("/", 1)[1]
    body = pf.compressed_zeros(enc, int(h.q.get("size", str(16 * 1024 * 1024))))
    h.reply(200, body, {"Content-Encoding": enc, "Content-Type": "text/plain"})


_CHARSET_PAGES = {  # /charset/<kind>: body and headers
    "wrong": (PAGE_HTML.encode("cp1258", errors="replace"), {"Content-Type": "text/html; charset=utf-8"}),
    "missing": (PAGE_HTML.replace("<head>", '<head><meta charset="utf-8">').encode(), {"Content-Type": "text/html"}),
    "none": (PAGE_HTML.encode(), {"Content-Type": "text/html"}),
}


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/page/": lambda h: h.reply(200, PAGE_HTML.encode()),
    "/status/": _status,
    "/flaky/": _flaky,
    "/redirect": lambda h: h.reply(int(h.q.get("status", "302")), b"", {"Location": h.q["to"]}),
    "/loop/": lambda h: h.reply(302, b"", {"Location": "/loop/b" if h.route_path == "/loop/a" else "/loop/a"}),
    "/slow": _slow,
    "/hang": _hang,
    "/truncated": _truncated,
    "/big": lambda h: h.reply(200, b"z" * int(h.q["size"]), {"Content-Type": "text/plain"}),
    "/bomb/": _bomb,
    "/charset/": lambda h: h.reply(200, *_CHARSET_PAGES.get(h.route_path.rsplit("/", 1)[1], _CHARSET_PAGES["none"])),
}


class HostileServer:
    """A threaded HTTP/1.1 server on loopback, port 0, with misbehaving routes and a request log."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.closing = threading.Event()
        self.requests: list[RecordedRequest] = []
        self._hits: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()
        self._routes = {**ROUTES, "/robots.txt": self._robots}
        self._pages: dict[str, Callable[[Handler], None]] = {}  # exact paths only (even "/")
        self.set_robots(404, "")

    def route(self, path: str, handler: Callable[[Handler], None]) -> None:
        """Serve ``path`` (exact, or a prefix when it ends with ``/``) with ``handler``."""
        self._routes[path] = handler

    def page(self, path: str, body: bytes, content_type: str, delay_s: float = 0.0) -> None:
        """Serve ``body`` at exactly ``path`` (after ``delay_s``, a slow publisher)."""
        def serve(h: Handler) -> None:
            if delay_s:
                h.wait(delay_s)
            h.reply(200, body, {"Content-Type": content_type})
        self._pages[path] = serve

    def set_robots(self, status: int, body: str = "", delay: float = 0.0, location: str | None = None) -> None:
        """How /robots.txt answers; ``delay`` longer than the client timeout simulates a timeout."""
        self._robots_spec = (status, body, delay, location)

    def _robots(self, h: Handler) -> None:
        status, body, delay, location = self._robots_spec
        if delay:
            h.wait(delay)
        h.reply(status, body.encode(), {"Content-Type": "text/plain", **({"Location": location} if location else {})})

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
        if (found := self._pages.get(path) or self._routes.get(path)) is not None:
            return found
        for prefix, handler in sorted(self._routes.items(), key=lambda kv: -len(kv[0])):
            if prefix.endswith("/") and path.startswith(prefix):
                return handler
        return lambda h: h.reply(404, b"not found")

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
        self._httpd = (_Server6 if ":" in self.host else _Server)((self.host, 0), Handler)
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


class ArticleGate:
    """How many article pages the site will still answer: past ``limit`` answers (None: no limit) a request waits
    until the limit is raised or the server closes, so a test can stop a crawl at an exact point on any machine."""

    def __init__(self, closing: threading.Event) -> None:
        self.limit: int | None = None
        self.served = 0
        self._closing = closing
        self._cond = threading.Condition()

    def allow(self, more: int | None) -> None:
        """Answer ``more`` article requests beyond those answered so far (None: every one)."""
        with self._cond:
            self.limit = None if more is None else self.served + more
            self._cond.notify_all()

    def wrap(self, serve: Callable[[Handler], None]) -> Callable[[Handler], None]:
        def gated(h: Handler) -> None:
            with self._cond:
                while self.limit is not None and self.served >= self.limit and not self._closing.is_set():
                    if h.peer_gone():  # the crawler asking was killed: its request uses up no answer
                        return
                    self._cond.wait(0.05)
                self.served += 1
            serve(h)
        return gated


@dataclass
class Site:
    """A publisher served by a HostileServer: ``/`` (links the feed), the feed and ``/bai/tin-so-<i>.html``."""

    server: HostileServer
    base: str
    feed_url: str
    gate: ArticleGate  # how many article pages it still answers

    @property
    def hits(self) -> dict[str, int]:
        """Requests per path so far."""
        with self.server._lock:
            return {p: len(at) for p, at in self.server._hits.items() if at}

    def sources_toml(self, path: Path, name: str = "Báo Thử Nghiệm") -> Path:
        path.write_text(f'[[source]]\nname = "{name}"\nhome_url = "{self.base}/"\nlanguage = "vi"\ncountry = "VN"\n'
                        f'feeds = ["{self.feed_url}"]\n', encoding="utf-8")
        return path


@contextmanager
def serve_site(n_articles: int, delay_s: float = 0.0) -> Iterator[Site]:
    """``n_articles`` real Vietnamese articles (tests.pagefactory), each page answering after ``delay_s``."""
    html = "text/html; charset=utf-8"
    with HostileServer() as srv:
        srv.set_robots(200, "User-agent: *\nAllow: /\n")
        site, items = Site(srv, srv.base, srv.url("/rss/tin-moi-nhat.rss"), ArticleGate(srv.closing)), []
        for i, text in enumerate(pf.texts(n_articles)):
            path, published = f"/bai/tin-so-{i}.html", T0 + timedelta(minutes=i)
            srv.page(path, pf.page(f"Tin số {i}", text, srv.url(path), published), html, delay_s)
            srv._pages[path] = site.gate.wrap(srv._pages[path])
            items.append((f"Tin số {i}", srv.url(path), published))
        srv.page(urlsplit(site.feed_url).path, pf.rss(items), "application/rss+xml; charset=utf-8")
        srv.page("/", '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Báo Thử</title>'
                      '<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss/tin-moi-nhat.rss">'
                      "</head><body><h1>Trang chủ</h1></body></html>".encode(), html)
        yield site
