"""The replay server proper: :class:`ReplayServer` loads DIR/url-map.tsv, starts the HTTP thread (and the
news archive's indexing thread) on a loopback address only, and routes each request path to a
:class:`~bantin.replay.httpd.Reply`: a captured file byte-exact (gzip kept for clients that accept
it), a per-host feed of the captured pages, a page of a news-archive feed, a page rebuilt from an archived
RSS item, the index page or robots.txt. Rendered feeds are cached (LRU) once the news index is built.
"""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import mimetypes
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from bantin.replay.archive import NewsArchive, NewsFeed
from bantin.replay.httpd import ReplayHandler, ReplayHTTP6Server, ReplayHTTPServer, Reply
from bantin.replay.render import RssItem, article_html, etag_of, index_html, rss, sniff_page
from bantin.replay.urls import Capture, iso_z, load_url_map, parse_ts, replay_url, url_key

# Items per generated news feed page, like a busy publisher's feed.
NEWS_PAGE_SIZE = 50
# Requests that need the news index wait at most this long (seconds) for its first build.
NEWS_WAIT_SECONDS = 60.0
# Rendered feed pages kept; pollers hit the same first pages over and over.
FEED_CACHE = 64
# Seconds; stop() returns within this, which keeps per-test servers cheap.
SHUTDOWN_POLL = 0.05
# Replayed content is for our own crawler: allow everything, whatever the publisher's robots.txt says.
ROBOTS = b"User-agent: *\nAllow: /\n"


class ReplayBindError(ValueError):
    """Raised for a bind address that is not loopback, or one that cannot be listened on (a port in use)."""


class ReplayRootError(ValueError):
    """Raised by the command for a directory with nothing to serve (no url-map.tsv captures, no news archive)."""


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


def _vietnamese_first(item: tuple[str, Any]) -> tuple[bool, str]:
    host = item[0]
    return not (host.endswith(".vn") or "vnexpress" in host), host


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
        self.news = NewsArchive(Path(news_path)) if news and news_path else None
        self.started_at = time.time()
        self._httpd: ReplayHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._cache: OrderedDict[tuple, Reply] = OrderedDict()
        self._lock = threading.Lock()
        self._etags: dict[Path, str] = {}
        self._sniffed: dict[bytes, tuple[str, int | None]] = {}

    # lifecycle -----------------------------------------------------------------------------------
    def start(self) -> ReplayServer:
        if self._httpd is None:
            cls = ReplayHTTP6Server if ":" in self.host else ReplayHTTPServer
            try:
                self._httpd = cls((self.host, self.port), ReplayHandler)
            except OSError as exc:  # EADDRINUSE above all: another replay (or anything) holds the port
                raise ReplayBindError(f"bantin replay cannot listen on {self.host}:{self.port}: "
                                      f"{exc.strerror or exc} (choose another --port)") from None
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
        return replay_url(self.base_url, original_url, capture)

    # routing -------------------------------------------------------------------------------------
    def route(self, path: str, query: str, accept_gzip: bool) -> Reply:
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        parts = path.split("/", 2) + [""]  # ["", first, rest, ...]
        if path == "/":
            return self._cached(("index",), self._index)
        if path == "/robots.txt" or (parts[2] == "robots.txt"
                                     and url_key(f"http:/{path}") not in self.captures):
            return Reply(body=ROBOTS, etag=etag_of(ROBOTS), mtime=self.started_at)
        if parts[1] == "feeds" and path.endswith(".rss"):
            return self._cached((path,), lambda: self._host_feed(parts[2].removesuffix(".rss")))
        if parts[1] == "news" and path.endswith(".rss"):
            # an unencoded "+07:00" offset arrives as " 07:00"
            before = parse_ts(re.sub(r" (\d\d:?\d\d)$", r"+\1", params.get("before", "")))
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
        key = url_key("http:/" + path + (f"?{query}" if query else ""))
        caps = self.captures.get(key, [])
        if caps and (index is None or index < len(caps)):
            return self._file_reply(caps[-1 if index is None else index], accept_gzip)
        if index is None and self.news is not None and self.news.wait(NEWS_WAIT_SECONDS):
            item = self.news.find(key)
            if item is not None:
                body = article_html(item)
                return Reply(body=body, content_type="text/html; charset=utf-8", etag=etag_of(body),
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
        return Reply(body=data, content_type=ctype, etag=etag_of(data), mtime=target.stat().st_mtime)

    def _news_feeds(self) -> list[NewsFeed]:
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
        body = index_html(self.base_url, feeds, hosts, extra)
        return Reply(body=body, content_type="text/html; charset=utf-8", etag=etag_of(body),
                     mtime=self.started_at)

    def _host_feed(self, host: str) -> Reply:
        if host not in self.hosts:
            return Reply(404, b"no such host\n")
        items = []
        for key in self.hosts[host]:
            cap = self.captures[key][-1]
            if key not in self._sniffed:
                raw = cap.path.read_bytes()
                self._sniffed[key] = sniff_page(gzip.decompress(raw) if cap.encoding == "gzip" else raw,
                                                   cap.content_type)
            title, ts = self._sniffed[key]
            items.append(RssItem(title or cap.original_url, self.url_for(cap.original_url),
                                    cap.original_url, ts=ts))
        url = f"{self.base_url}/feeds/{host}.rss"
        body = rss(f"{host} (bantin replay)", f"{self.base_url}/", f"Trang thật đã lưu của {host}", url,
                      items)
        return Reply(body=body, content_type="application/rss+xml; charset=utf-8", etag=etag_of(body),
                     mtime=max((i.ts or 0 for i in items), default=0) or self.started_at)

    def _news_feed(self, feed_path: str, page: int, before: int | None) -> Reply:
        feed = self.news.feeds.get(feed_path) if self.news and self._news_feeds() else None
        if feed is None:
            return Reply(404, b"no such news feed\n")
        rows, more = self.news.page(feed, NEWS_PAGE_SIZE, page, before)  # type: ignore[union-attr]
        items = [RssItem(r.get("title") or r["url"], self.url_for(r["url"]), r["url"],
                            r.get("summary") or "", r["_ts"] or None, r.get("feed_category") or "") for r in rows]
        url = f"{self.base_url}/news/{feed_path}.rss"
        since = f"&before={iso_z(before)}" if before is not None else ""
        this = f"{url}?page={page}{since}" if page > 1 or before is not None else url
        body = rss(f"{feed.source} — {feed.category}", f"{self.base_url}/",
                      f"Tin RSS thật của {feed.source} (không có toàn văn), phát lại bởi bantin", this, items,
                      f"{url}?page={page + 1}{since}" if more else None)
        return Reply(body=body, content_type="application/rss+xml; charset=utf-8", etag=etag_of(body),
                     mtime=max((i.ts or 0 for i in items), default=0) or self.started_at)
