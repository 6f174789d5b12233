"""News archive and RSS/HTML rendering for ``bantin replay`` (see replay.py).

The archive is ../shared/data/news/rss_articles.jsonl.gz (153k real RSS items, no bodies). It is
indexed once in a background thread without keeping the decompressed 88 MB: we keep zlib
checkpoints every ``CHECKPOINT_IN_BYTES`` of compressed input and re-inflate one segment on demand.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import json
import logging
import os
import queue
import re
import threading
import unicodedata
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from itertools import accumulate
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape, quoteattr

CHECKPOINT_IN_BYTES = 256 * 1024  # ~95 checkpoints x ~50 KB each; one segment inflates in a few ms
SEGMENT_CACHE = 8  # inflated segments (~1 MB each) kept for feed pages that hit neighbouring items
READ_CHUNK = 64 * 1024  # compressed bytes per read while indexing
INFLATE_AHEAD = 8  # inflated chunks (~230 KB each) the inflating thread may run ahead of the parser
RECONSTRUCTED_MARK = "reconstructed-from-feed"  # <meta name="bantin:replay"> value on rebuilt pages
SNIFF_BYTES = 256 * 1024  # titles and dates sit in <head>; no need to decode a whole 3 MB page
_CHARSET = re.compile(r"""charset=["']?([\w.:-]+)""", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_DATE = re.compile(r"(?:article:published_time|datePublished)\W{1,40}?(?:content=)?[\"']?"
                   r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
log = logging.getLogger(__name__)
_LINE_HEAD = b'{"url": "'
_TAIL_KEYS = ("source", "feed_category", "published", "fetched")
_PLAIN_URLS = re.compile(rb"(?:https?://[a-z0-9.-]+/[^\s%#]*\n)*")
_TAIL = re.compile(b"".join(b', "%s": "([^"\\\\\n]*)"' % k.encode() for k in _TAIL_KEYS) + b"}$", re.M)


def url_key(url: str) -> bytes:
    """host+path+query of an absolute URL (UTF-8): scheme and fragment dropped, path percent-decoded."""
    rest = url.split("://", 1)[-1].split("#", 1)[0]
    host, _, tail = rest.partition("/")
    path, q, query = ("/" + tail).partition("?")
    return f"{host.lower()}{unquote(path) if '%' in path else path}{q}{query}".encode()


def _url_keys(urls: list[bytes]) -> list[bytes]:
    """url_key() for many URLs; one regex check lets plain https://lowercase-host/path skip decoding."""
    if _PLAIN_URLS.fullmatch(b"\n".join(urls) + b"\n"):
        return [u.partition(b"://")[2] for u in urls]
    return [url_key(u.decode()) for u in urls]


def _timestamps(values: list[bytes]) -> list[int]:
    try:
        return [int(datetime.fromisoformat(v.decode()).timestamp()) for v in values]
    except ValueError:
        return [parse_ts(v.decode()) or 0 for v in values]


def slug(text: str) -> str:
    """ASCII path segment: 'VnExpress - Thế Giới' -> 'vnexpress-the-gioi'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


def parse_ts(value: str | None) -> int | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return int((dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp())


def rfc822(ts: float) -> str:
    return format_datetime(datetime.fromtimestamp(ts, UTC), usegmt=True)


def iso_z(ts: int) -> str:
    """UTC ISO 8601 with a Z, safe in a query string (no '+')."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def xml_text(text: str) -> str:
    return escape(_XML_BAD.sub("", text))


def xml_attr(text: str) -> str:
    return quoteattr(_XML_BAD.sub("", text))


@dataclass
class NewsFeed:
    source: str
    category: str
    path: str  # "<source-slug>/<category-slug>"
    ids: array = field(default_factory=lambda: array("i"))  # newest first
    neg_ts: array = field(default_factory=lambda: array("q"))  # -published, ascending (bisectable)


class NewsArchive:
    """Lazily indexed JSONL(.gz) of RSS items; ``start()`` indexes in a thread, ``wait()`` blocks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.feeds: dict[str, NewsFeed] = {}
        self._ready = threading.Event()
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._gz = path.suffix == ".gz"
        self._off, self._len, self._ts = array("q"), array("i"), array("q")
        self._ck_out: list[int] = []
        self._ck_in: list[int] = []
        self._ck: list[Any] = []  # zlib decompress objects (no public type name)
        self._hashes, self._hash_ids = array("q"), array("i")
        self._segments: OrderedDict[int, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.index_seconds = 0.0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._load_guarded, name="news-index", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """True once indexed; False on timeout or when indexing failed (see ``error``)."""
        self.start()
        return self._ready.wait(timeout) and self.error is None

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self.error is None

    def __len__(self) -> int:
        return len(self._off)

    def _load_guarded(self) -> None:
        started = datetime.now(UTC)
        try:
            self._load()
        except Exception as exc:  # logged once; the server then runs without news feeds
            log.exception("cannot index news archive %s", self.path)
            self.error = exc
        self.index_seconds = (datetime.now(UTC) - started).total_seconds()
        self._ready.set()

    def _inflated(self) -> Iterator[tuple[tuple[int, Any] | None, bytes]]:
        """(checkpoint, data) chunks, inflated in a second thread (zlib releases the GIL) ahead of parsing."""
        chunks: queue.Queue[Any] = queue.Queue(maxsize=INFLATE_AHEAD)
        stop = threading.Event()

        def produce() -> None:
            inflate = zlib.decompressobj(wbits=31) if self._gz else None
            in_pos = 0
            try:
                with self.path.open("rb") as f:
                    while (chunk := f.read(READ_CHUNK)) and not stop.is_set():
                        due = in_pos % CHECKPOINT_IN_BYTES == 0
                        ck = (in_pos, inflate.copy()) if inflate and due else None
                        in_pos += READ_CHUNK  # every read but the last is full, so checkpoints align
                        chunks.put((ck, inflate.decompress(chunk) if inflate else chunk))
                        if inflate and inflate.unused_data:
                            raise ValueError("multi-member gzip is not supported; recompress it as one member")
                chunks.put(None)
            except Exception as exc:
                chunks.put(exc)

        threading.Thread(target=produce, name="news-inflate", daemon=True).start()
        try:
            while (item := chunks.get()) is not None:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            stop.set()
            while not chunks.empty():  # unblock a producer waiting on a full queue
                chunks.get_nowait()

    def _load(self) -> None:
        by_feed: dict[tuple[bytes, bytes], list[int]] = {}
        hashes = array("q")
        pending, out_pos = b"", 0
        for ck, chunk in self._inflated():
            if ck is not None:
                self._ck_out.append(out_pos + len(pending))
                self._ck_in.append(ck[0])
                self._ck.append(ck[1])
            buf = pending + chunk
            cut = buf.rfind(b"\n") + 1
            pending = buf[cut:]
            self._index_lines(buf[:cut], out_pos, by_feed, hashes)
            out_pos += cut
        self._index_lines(pending + b"\n", out_pos, by_feed, hashes)
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        self._hashes = array("q", map(hashes.__getitem__, order))
        self._hash_ids = array("i", order)
        for (source, category), ids in sorted(by_feed.items()):
            ids.sort(key=self._ts.__getitem__, reverse=True)  # stable: ties keep file order
            name, section = source.decode(), category.decode()
            feed = NewsFeed(name, section, f"{slug(name)}/{slug(section)}")
            feed.ids, feed.neg_ts = array("i", ids), array("q", (-self._ts[i] for i in ids))
            self.feeds[feed.path] = feed

    def _index_lines(self, buf: bytes, offset: int, by_feed: dict, hashes: array) -> None:
        """Index complete lines; a regex over the whole buffer is ~5x faster than json.loads per line."""
        lines = buf.split(b"\n")[:-1]
        tails = _TAIL.findall(buf)
        if len(tails) != len(lines) or not all(line.startswith(_LINE_HEAD) for line in lines):
            tails, urls = [], []
            for line in lines:  # slow path: blank lines, other key orders, escaped quotes
                if line.strip():
                    d = json.loads(line)
                    tails.append(tuple(str(d.get(k) or "").encode() for k in _TAIL_KEYS))
                    urls.append(d["url"].encode())
                    self._off.append(offset)
                    self._len.append(len(line))
                offset += len(line) + 1
        else:
            urls = [line[len(_LINE_HEAD) : line.index(b'"', len(_LINE_HEAD))] for line in lines]
            self._off.extend(list(accumulate((len(line) + 1 for line in lines), initial=offset))[:-1])
            self._len.extend(map(len, lines))
        base = len(self._ts)
        self._ts.extend(_timestamps([t[2] or t[3] for t in tails]))
        for i, t in enumerate(tails, base):
            by_feed.setdefault((t[0] or b"?", t[1] or b"?"), []).append(i)
        hashes.extend(map(hash, _url_keys(urls)))

    def find(self, key: bytes) -> dict[str, Any] | None:
        """The item whose url_key() is ``key``, or None."""
        self.wait()
        h = hash(key)
        at = bisect.bisect_left(self._hashes, h)
        while at < len(self._hashes) and self._hashes[at] == h:
            item = self.item(self._hash_ids[at])
            if url_key(item["url"]) == key:
                return item
            at += 1
        return None

    def page(self, feed: NewsFeed, size: int, page: int = 1, before: int | None = None) -> tuple[list, bool]:
        """Items ``size`` per page, newest first, optionally only those published before ``before``."""
        start = bisect.bisect_right(feed.neg_ts, -before) if before is not None else 0
        start += (max(page, 1) - 1) * size
        ids = feed.ids[start : start + size]
        return [self.item(i) for i in ids], start + size < len(feed.ids)

    def item(self, item_id: int) -> dict[str, Any]:
        off, length = self._off[item_id], self._len[item_id]
        if not self._gz:
            with self.path.open("rb") as f:
                return dict(json.loads(os.pread(f.fileno(), length, off)), _ts=self._ts[item_id])
        k = bisect.bisect_right(self._ck_out, off) - 1
        seg = self._segment(k)
        start = off - self._ck_out[k]
        return dict(json.loads(seg[start : start + length]), _ts=self._ts[item_id])

    def _segment(self, k: int) -> bytes:
        """Inflated bytes from checkpoint k through one read past checkpoint k+1 (covers straddling lines)."""
        with self._lock:
            if k in self._segments:
                self._segments.move_to_end(k)
                return self._segments[k]
        inflate = self._ck[k].copy()
        with self.path.open("rb") as f:
            raw = os.pread(f.fileno(), CHECKPOINT_IN_BYTES + READ_CHUNK, self._ck_in[k])
        seg = inflate.decompress(raw)
        with self._lock:
            self._segments[k] = seg
            while len(self._segments) > SEGMENT_CACHE:
                self._segments.popitem(last=False)
        return seg


@dataclass
class RssItem:
    title: str
    link: str
    guid: str
    description: str = ""
    ts: float | None = None
    category: str = ""


def rss(title: str, link: str, description: str, self_url: str, items: Iterable[RssItem],
        next_url: str | None = None) -> bytes:
    """An RSS 2.0 document (UTF-8) with atom:link self/next (RFC 5005 paging)."""
    items = list(items)
    newest = max((i.ts for i in items if i.ts), default=None)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
           f"<channel><title>{xml_text(title)}</title><link>{xml_text(link)}</link>",
           f"<description>{xml_text(description)}</description><language>vi</language>",
           f'<atom:link rel="self" type="application/rss+xml" href={xml_attr(self_url)}/>']
    if next_url:
        out.append(f'<atom:link rel="next" type="application/rss+xml" href={xml_attr(next_url)}/>')
    if newest:
        out.append(f"<lastBuildDate>{rfc822(newest)}</lastBuildDate>")
    for it in items:
        out.append(f"<item><title>{xml_text(it.title)}</title><link>{xml_text(it.link)}</link>"
                   f'<guid isPermaLink="false">{xml_text(it.guid)}</guid>')
        if it.description:
            out.append(f"<description>{xml_text(it.description)}</description>")
        if it.category:
            out.append(f"<category>{xml_text(it.category)}</category>")
        if it.ts:
            out.append(f"<pubDate>{rfc822(it.ts)}</pubDate>")
        out.append("</item>")
    out.append("</channel></rss>\n")
    return "\n".join(out).encode("utf-8")


def article_html(item: dict[str, Any]) -> bytes:
    """A minimal article page rebuilt from an RSS item's title and summary, marked as such."""
    e = html.escape
    title, summary, url = item.get("title") or "", item.get("summary") or "", item["url"]
    published = item.get("published") or item.get("fetched") or ""
    return (
        f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">\n<title>{e(title)}</title>\n'
        f'<meta name="bantin:replay" content="{RECONSTRUCTED_MARK}">\n'
        f'<meta name="description" content="{e(summary)}">\n'
        f'<meta property="og:title" content="{e(title)}">\n'
        f'<meta property="og:site_name" content="{e(item.get("source") or "")}">\n'
        f'<meta property="article:published_time" content="{e(published)}">\n'
        f'<meta property="article:section" content="{e(item.get("feed_category") or "")}">\n'
        f'<link rel="canonical" href="{e(url)}">\n</head><body>\n'
        "<!-- bantin replay: dựng lại từ tiêu đề và tóm tắt của mục RSS; không có toàn văn. "
        "Reconstructed from the RSS item's title and summary; not the original page. -->\n"
        f'<article><h1>{e(title)}</h1>\n<p class="description">{e(summary)}</p>\n'
        f'<time datetime="{e(published)}">{e(published)}</time></article>\n</body></html>\n'
    ).encode()


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def sniff_page(raw: bytes, content_type: str) -> tuple[str, int | None]:
    """(title, published epoch or None) from a page's head, for the per-host feeds."""
    head = raw[:SNIFF_BYTES]
    charset = _CHARSET.search(content_type) or _CHARSET.search(head.decode("latin-1"))
    try:
        text = head.decode(charset.group(1) if charset else "utf-8", "replace")
    except LookupError:
        text = head.decode("utf-8", "replace")
    title = _TITLE.search(text)
    date = _DATE.search(text)
    return (" ".join(html.unescape(title.group(1)).split()) if title else "",
            parse_ts(date.group(1)) if date else None)


def index_html(base: str, feeds: list[tuple[str, str, int]], hosts: list[tuple[str, str, list[str]]],
               extra: list[tuple[str, int]]) -> bytes:
    """The index page: Vietnamese first, one <link rel=alternate> per generated feed (autodiscovery)."""
    e = html.escape
    link = '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">'
    alt = [link.format(e(title), e(href)) for href, title, _ in feeds]
    alt += [link.format(e(host), e(href)) for host, href, _ in hosts]
    out = ['<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">',
           "<title>bantin replay — máy chủ phát lại trang và nguồn tin</title>", *alt, "</head><body>",
           "<h1>Máy chủ phát lại bantin</h1>",
           "<p>Trang báo và nguồn RSS thật, phục vụ ngoại tuyến trên máy này để thử nghiệm và trình diễn. "
           "Nội dung thuộc về các tòa soạn; chỉ dùng nội bộ. (Offline replay of real pages and feeds "
           "for tests and demos; content belongs to its publishers, internal use only.)</p>",
           f"<p>Thêm vào bantin (add to bantin): <code>bantin sources add {e(base)}/</code></p>",
           "<h2>Nguồn RSS từ kho tin (news archive feeds: real titles and summaries, pages rebuilt)</h2><ul>"]
    out += [f'<li><a href="{e(h)}">{e(t)}</a> ({n:,} mục)</li>' for h, t, n in feeds]
    out.append("</ul><h2>Trang thật theo tên miền (real captured pages by host)</h2><ul>")
    for host, feed, pages in hosts:
        links = " ".join(f'<a href="{e(p)}">{i}</a>' for i, p in enumerate(pages, 1))
        out.append(f'<li>{e(host)}: <a href="{e(feed)}">RSS</a> — trang {links}</li>')
    out.append("</ul><h2>Nguồn RSS và trang khác đã lưu (other captured feeds; links lead off-line)</h2><ul>")
    out += [f'<li><a href="{e(u)}">{e(u)}</a> ({n} bản lưu; /_capture/N/… chọn bản)</li>' for u, n in extra]
    out.append("</ul></body></html>\n")
    return "\n".join(out).encode("utf-8")
