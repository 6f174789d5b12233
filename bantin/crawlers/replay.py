"""`bantin replay DIR`: a loopback HTTP server that replays real pages and feeds offline.

Serves the files that DIR/url-map.tsv maps from original URLs at ``/<host>/<path>?<query>``, RSS feeds
generated from them and from the news archive (replay_feeds.py), an index page for feed autodiscovery
and a few fault-injection routes. Loopback only: the content belongs to its publishers and may be used
for internal testing and demos only. It is also the test suite's fixture server.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import ipaddress
import logging
import mimetypes
import re
import signal
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from bantin.crawlers import replay_feeds as rf

DEFAULT_PORT = 8765  # fixed default so demo instructions can be copied verbatim
NEWS_PAGE_SIZE = 50  # items per generated news feed page, like a busy publisher's feed
NEWS_WAIT_SECONDS = 60.0  # requests that need the news index wait at most this long for its first build
FEED_CACHE = 64  # rendered feed pages kept; pollers hit the same first pages over and over
SLOW_MAX_BYTES = 10 * 1024 * 1024  # /_fault/slow cap so a typo cannot tie a test up for hours
SLOW_MAX_DELAY = 120.0  # seconds; same reason
SLOW_STEPS = 20  # /_fault/slow trickles its body in this many pieces spread over `delay`
HANDLER_TIMEOUT = 30  # seconds an idle keep-alive connection may hold a handler thread
SHUTDOWN_POLL = 0.05  # seconds; stop() returns within this, which keeps per-test servers cheap
ROBOTS = b"User-agent: *\nAllow: /\n"
log = logging.getLogger(__name__)


class ReplayBindError(ValueError):
    """Raised for a bind address that is not loopback."""


@dataclass(frozen=True)
class Capture:
    original_url: str
    path: Path
    encoding: str  # "gzip" or "identity": how the file is stored
    content_type: str


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    mtime: float | None = None


def loopback_address(host: str) -> str:
    """The IP to bind for ``host``, or ReplayBindError unless it is 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise ReplayBindError(
            f"bantin replay binds only to a loopback IP (127.0.0.1 or ::1), not {host!r}") from None
    if not ip.is_loopback:
        raise ReplayBindError(
            f"refusing to bind {host}: bantin replay serves publishers' content for internal testing only, "
            "so it listens on loopback addresses only (127.0.0.0/8, ::1)")
    return str(ip)


def load_url_map(root: Path) -> tuple[dict[bytes, list[Capture]], list[str]]:
    """(url_key -> captures in url-map.tsv order, the last being the default; rows whose file is missing)."""
    table = root / "url-map.tsv"
    captures: dict[bytes, list[Capture]] = {}
    missing: list[str] = []
    if table.is_file():
        with table.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                cap = Capture(row["original_url"], root / row["path"], row["content_encoding"] or "identity",
                              row["content_type"] or "application/octet-stream")
                if cap.path.is_file():
                    captures.setdefault(rf.url_key(cap.original_url), []).append(cap)
                else:
                    missing.append(row["path"])
    if missing:
        log.warning("url-map.tsv lists %d files that do not exist, e.g. %s", len(missing), missing[0])
    return captures, missing


def _vietnamese_first(item: tuple[str, Any]) -> tuple[bool, str]:
    host = item[0]
    return not (host.endswith(".vn") or "vnexpress" in host), host


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    replay: ReplayServer


class _HTTP6Server(_HTTPServer):
    address_family = socket.AF_INET6


class ReplayServer:
    """Threaded loopback server replaying ``root`` (a directory with url-map.tsv); a context manager."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, news_jsonl: Path | None = None,
                 *, news: bool = True) -> None:
        self.root = Path(root)
        self.host = loopback_address(host)
        self.port = port
        self.captures, self.missing = load_url_map(self.root)
        self.hosts: dict[str, list[bytes]] = {}
        for key, caps in self.captures.items():
            if caps[-1].content_type.startswith("text/html"):
                self.hosts.setdefault(key.split(b"/", 1)[0].decode(), []).append(key)
        default_news = self.root.parent / "news" / "rss_articles.jsonl.gz"
        news_path = news_jsonl or (default_news if default_news.is_file() else None)
        self.news = rf.NewsArchive(Path(news_path)) if news and news_path else None
        self.started_at = time.time()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._cache: OrderedDict[tuple, Reply] = OrderedDict()
        self._lock = threading.Lock()
        self._etags: dict[Path, str] = {}
        self._sniffed: dict[bytes, tuple[str, int | None]] = {}

    # lifecycle -----------------------------------------------------------------------------------
    def start(self) -> ReplayServer:
        if self._httpd is None:
            cls = _HTTP6Server if ":" in self.host else _HTTPServer
            self._httpd = cls((self.host, self.port), _Handler)
            self._httpd.replay = self
            self.port = self._httpd.server_address[1]
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="replay", daemon=True,
                                            kwargs={"poll_interval": SHUTDOWN_POLL})
            self._thread.start()
            if self.news is not None:
                self.news.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("ReplayServer is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url_for(self, original_url: str, capture: int | None = None) -> str:
        """Replay URL of ``original_url``; ``capture`` picks one of several captures (default: the last)."""
        parts = urlsplit(original_url)
        path = quote(unquote(parts.path) or "/", safe="/:@!$&'()*+,;=-._~")
        prefix = "" if capture is None else f"/_capture/{capture}"
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.base_url}{prefix}/{parts.netloc.lower()}{path}{query}"

    # routing -------------------------------------------------------------------------------------
    def route(self, path: str, query: str, accept_gzip: bool) -> Reply:
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        parts = path.split("/", 2) + [""]  # ["", first, rest, ...]
        if path == "/":
            return self._cached(("index",), self._index)
        if path == "/robots.txt" or (parts[2] == "robots.txt"
                                     and rf.url_key(f"http:/{path}") not in self.captures):
            return Reply(body=ROBOTS, etag=rf.etag_of(ROBOTS), mtime=self.started_at)
        if parts[1] == "feeds" and path.endswith(".rss"):
            return self._cached((path,), lambda: self._host_feed(parts[2].removesuffix(".rss")))
        if parts[1] == "news" and path.endswith(".rss"):
            # an unencoded "+07:00" offset arrives as " 07:00"
            before = rf.parse_ts(re.sub(r" (\d\d:?\d\d)$", r"+\1", params.get("before", "")))
            page = int(params.get("page", "1")) if params.get("page", "1").isdigit() else 0
            if ("before" in params and before is None) or page < 1:
                return Reply(400, b"page= must be >= 1 and before= an ISO 8601 date or time\n")
            return self._cached((path, page, before), lambda: self._news_feed(path[6:-4], page, before))
        if parts[1] == "_files" and parts[2]:
            return self._raw_file(unquote(parts[2]))
        index = None
        if parts[1] == "_capture" and "/" in parts[2] and parts[2].split("/")[0].isdigit():
            number, path = parts[2].split("/", 1)
            index, path = int(number), "/" + path
        key = rf.url_key("http:/" + path + (f"?{query}" if query else ""))
        caps = self.captures.get(key, [])
        if caps and (index is None or index < len(caps)):
            return self._file_reply(caps[-1 if index is None else index], accept_gzip)
        if index is None and self.news is not None and self.news.wait(NEWS_WAIT_SECONDS):
            item = self.news.find(key)
            if item is not None:
                body = rf.article_html(item)
                return Reply(body=body, content_type="text/html; charset=utf-8", etag=rf.etag_of(body),
                             mtime=item["_ts"] or None)
        return Reply(404, "Không tìm thấy (not found)\n".encode())

    def _cached(self, key: tuple, render: Any) -> Reply:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        reply = render()
        if reply.status == 200 and (self.news is None or self.news.ready or self.news.error):
            with self._lock:
                self._cache[key] = reply
                while len(self._cache) > FEED_CACHE:
                    self._cache.popitem(last=False)
        return reply

    def _file_reply(self, cap: Capture, accept_gzip: bool) -> Reply:
        data = cap.path.read_bytes()
        if cap.path not in self._etags:
            self._etags[cap.path] = hashlib.sha256(data).hexdigest()[:32]
        reply = Reply(body=data, content_type=cap.content_type, etag=f'"{self._etags[cap.path]}"',
                      mtime=cap.path.stat().st_mtime)
        if cap.encoding == "gzip":
            reply.headers["Vary"] = "Accept-Encoding"
            if accept_gzip:
                reply.headers["Content-Encoding"] = "gzip"
            else:
                reply.body, reply.etag = gzip.decompress(data), f'"{self._etags[cap.path]}-identity"'
        return reply

    def _raw_file(self, rel: str) -> Reply:
        """Any file under root, byte-exact (for feeds and pages url-map.tsv does not cover)."""
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root.resolve()) or not target.is_file():
            return Reply(404, b"not found\n")
        ctype = mimetypes.guess_type(target.name, strict=False)[0] or "application/octet-stream"
        data = target.read_bytes()
        return Reply(body=data, content_type=ctype, etag=rf.etag_of(data), mtime=target.stat().st_mtime)

    def _news_feeds(self) -> list[rf.NewsFeed]:
        if self.news is None or not self.news.wait(NEWS_WAIT_SECONDS):
            return []
        return list(self.news.feeds.values())

    def _index(self) -> Reply:
        hosts = [(h, f"{self.base_url}/feeds/{h}.rss", [self.url_for(self.captures[k][-1].original_url) for k in keys])
                 for h, keys in sorted(self.hosts.items(), key=_vietnamese_first)]
        feeds = [(f"{self.base_url}/news/{f.path}.rss", f"{f.source} — {f.category}", len(f.ids))
                 for f in self._news_feeds()]
        extra = [(self.url_for(c[0].original_url), len(c)) for c in self.captures.values()
                 if not c[-1].content_type.startswith("text/html")]
        body = rf.index_html(self.base_url, feeds, hosts, extra)
        return Reply(body=body, content_type="text/html; charset=utf-8", etag=rf.etag_of(body),
                     mtime=self.started_at)

    def _host_feed(self, host: str) -> Reply:
        if host not in self.hosts:
            return Reply(404, b"no such host\n")
        items = []
        for key in self.hosts[host]:
            cap = self.captures[key][-1]
            if key not in self._sniffed:
                raw = cap.path.read_bytes()
                self._sniffed[key] = rf.sniff_page(gzip.decompress(raw) if cap.encoding == "gzip" else raw,
                                                   cap.content_type)
            title, ts = self._sniffed[key]
            items.append(rf.RssItem(title or cap.original_url, self.url_for(cap.original_url),
                                    cap.original_url, ts=ts))
        url = f"{self.base_url}/feeds/{host}.rss"
        body = rf.rss(f"{host} (bantin replay)", f"{self.base_url}/", f"Trang thật đã lưu của {host}", url,
                      items)
        return Reply(body=body, content_type="application/rss+xml; charset=utf-8", etag=rf.etag_of(body),
                     mtime=max((i.ts or 0 for i in items), default=0) or self.started_at)

    def _news_feed(self, feed_path: str, page: int, before: int | None) -> Reply:
        feed = self.news.feeds.get(feed_path) if self.news and self._news_feeds() else None
        if feed is None:
            return Reply(404, b"no such news feed\n")
        rows, more = self.news.page(feed, NEWS_PAGE_SIZE, page, before)  # type: ignore[union-attr]
        items = [rf.RssItem(r.get("title") or r["url"], self.url_for(r["url"]), r["url"],
                            r.get("summary") or "", r["_ts"] or None, r.get("feed_category") or "") for r in rows]
        url = f"{self.base_url}/news/{feed_path}.rss"
        since = f"&before={rf.iso_z(before)}" if before is not None else ""
        this = f"{url}?page={page}{since}" if page > 1 or before is not None else url
        body = rf.rss(f"{feed.source} — {feed.category}", f"{self.base_url}/",
                      f"Tin RSS thật của {feed.source} (không có toàn văn), phát lại bởi bantin", this, items,
                      f"{url}?page={page + 1}{since}" if more else None)
        return Reply(body=body, content_type="application/rss+xml; charset=utf-8", etag=rf.etag_of(body),
                     mtime=max((i.ts or 0 for i in items), default=0) or self.started_at)


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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes; with Nagle the body waits ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True
    server_version = "bantin-replay/0.1"
    timeout = HANDLER_TIMEOUT
    server: _HTTPServer

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


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          news_jsonl: Path | None = None) -> None:
    """Serve ``root`` until Ctrl-C, printing the base URL and how to point bantin at it."""
    server = ReplayServer(Path(root), host, port, news_jsonl).start()
    base = server.base_url
    print(f"bantin replay: đang phục vụ {root} tại {base}/  (serving {len(server.captures)} captured URLs)")
    print(f"  Thêm nguồn vào bantin (add it to bantin):  bantin sources add {base}/")
    print("  Nhấn Ctrl-C để dừng (Ctrl-C to stop).", flush=True)
    if threading.current_thread() is threading.main_thread():  # stop cleanly under systemd/docker too
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        if server.news is not None and not server.news.wait():
            print(f"  Không đọc được kho tin (news archive unusable): {server.news.error}", flush=True)
        elif server.news is not None:
            print(f"  Kho tin RSS: {len(server.news):,} mục, {len(server.news.feeds)} nguồn, "
                  f"lập chỉ mục trong {server.news.index_seconds:.1f} s ({server.news.path})", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nĐã dừng (stopped).")
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bantin replay", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="directory with url-map.tsv, e.g. ../shared/data/crawl")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (127.0.0.0/8 or ::1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--news", type=Path, default=None,
                        help="RSS archive JSONL(.gz); default DIR/../news/rss_articles.jsonl.gz")
    args = parser.parse_args(argv)
    try:
        serve(args.dir, args.host, args.port, args.news)
    except (ReplayBindError, OSError) as exc:
        parser.exit(2, f"bantin replay: {exc}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
