"""The HTTP side of ``bantin replay``: a threaded ``http.server`` whose handler asks the
:class:`~bantin.replay.server.ReplayServer` for a :class:`Reply` and sends it with ETag and
Last-Modified validators, answering conditional GETs with 304 (If-None-Match before If-Modified-Since, RFC
9110 §13.2.2) and gzip bodies only to clients that accept them. It also serves the fault-injection routes
``/_fault/slow``, ``/_fault/truncate``, ``/_fault/status/<code>`` and ``/_fault/redirect-loop`` directly,
since they are about the connection rather than the content.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from bantin.replay.server import ReplayServer

# /_fault/slow cap so a typo cannot tie a test up for hours.
SLOW_MAX_BYTES = 10 * 1024 * 1024
# Seconds; same reason.
SLOW_MAX_DELAY = 120.0
# /_fault/slow trickles its body in this many pieces spread over `delay`.
SLOW_STEPS = 20
# Seconds an idle keep-alive connection may hold a handler thread.
HANDLER_TIMEOUT = 30
log = logging.getLogger(__name__)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    mtime: float | None = None


class ReplayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    replay: ReplayServer


class ReplayHTTP6Server(ReplayHTTPServer):
    address_family = socket.AF_INET6


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True when an Accept-Encoding header allows gzip (an absent header is treated as no)."""
    q: dict[str, float] = {}
    for part in (accept_encoding or "").lower().split(","):
        name, _, params = part.strip().partition(";")
        weight = params.strip().removeprefix("q=")
        try:
            q[name.strip()] = float(weight) if params else 1.0
        except ValueError:
            q[name.strip()] = 0.0
    return q.get("gzip", q.get("x-gzip", q.get("*", 0.0))) > 0


class ReplayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes; with Nagle the body waits ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True
    server_version = "bantin-replay/0.1"
    timeout = HANDLER_TIMEOUT
    server: ReplayHTTPServer

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _handle(self, head: bool) -> None:
        path, _, query = self.path.partition("?")
        try:
            if path.startswith("/_fault/"):
                return self._fault(path[8:], {k: v[-1] for k, v in parse_qs(query).items()}, head)
            reply = self.server.replay.route(path, query, accepts_gzip(self.headers.get("Accept-Encoding")))
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception as exc:
            log.exception("replay: %s failed", self.path)
            reply = Reply(500, f"{type(exc).__name__}: {exc}\n".encode())
        self._send(reply, head)

    def _not_modified(self, etag: str | None, mtime: float | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return etag is not None and ("*" in tags or etag in tags)
        ims = self.headers.get("If-Modified-Since")
        if not ims or mtime is None:
            return False
        try:
            return int(mtime) <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False

    def _send(self, r: Reply, head: bool) -> None:
        validators = {"ETag": r.etag, "Last-Modified": formatdate(r.mtime, usegmt=True) if r.mtime else None}
        if r.status == 200 and self._not_modified(r.etag, r.mtime):
            r = Reply(304, headers={k: v for k, v in r.headers.items() if k == "Vary"})
            head = True
        self.send_response(r.status)
        if r.status != 304:
            self.send_header("Content-Type", r.content_type)
            self.send_header("Content-Length", str(len(r.body)))
        for name, value in [*validators.items(), *r.headers.items()]:
            if value is not None:
                self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(r.body)

    def _fault(self, name: str, params: dict[str, str], head: bool) -> None:
        """slow?bytes=N&delay=S, truncate?bytes=N, status/<code>?retry_after=S, redirect-loop."""
        size = min(int(params.get("bytes", "2048")), SLOW_MAX_BYTES)
        if name == "redirect-loop":
            target = "/_fault/redirect-loop" if params.get("hop") else "/_fault/redirect-loop?hop=1"
            return self._send(Reply(302, b"", headers={"Location": target}), head)
        if name.startswith("status/") and name[7:].isdigit() and 200 <= int(name[7:]) <= 599:
            code = int(name[7:])
            extra = {"Retry-After": params["retry_after"]} if "retry_after" in params else {}
            body = f"{code} {HTTPStatus(code).phrase}\n".encode()
            return self._send(Reply(code, body, headers=extra), head)
        if name not in ("slow", "truncate"):
            return self._send(Reply(404, b"unknown fault\n"), head)
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(size))
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        body = b"x" * (size if name == "slow" else size // 2)  # truncate: promise N bytes, send half
        delay = min(float(params.get("delay", "5")), SLOW_MAX_DELAY) if name == "slow" else 0.0
        step = max(1, -(-len(body) // SLOW_STEPS))
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            self.wfile.flush()
            time.sleep(delay / SLOW_STEPS)
