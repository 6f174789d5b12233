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
import os
import re
import threading
import unicodedata
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape, quoteattr

CHECKPOINT_IN_BYTES = 256 * 1024  # ~95 checkpoints x ~50 KB each; one segment inflates in a few ms
SEGMENT_CACHE = 8  # inflated segments (~1 MB each) kept for feed pages that hit neighbouring items
READ_CHUNK = 64 * 1024  # compressed bytes per read while indexing
RECONSTRUCTED_MARK = "reconstructed-from-feed"  # <meta name="bantin:replay"> value on rebuilt pages
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
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
        self._error: BaseException | None = None
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
        self.start()
        done = self._ready.wait(timeout)
        if self._error is not None:
            raise RuntimeError(f"cannot index {self.path}: {self._error}") from self._error
        return done

    def __len__(self) -> int:
        return len(self._off)

    def _load_guarded(self) -> None:
        started = datetime.now(UTC)
        try:
            self._load()
        except BaseException as exc:  # reported to whoever waits
            self._error = exc
        self.index_seconds = (datetime.now(UTC) - started).total_seconds()
        self._ready.set()

    def _load(self) -> None:
        inflate = zlib.decompressobj(wbits=31) if self._gz else None
        by_feed: dict[tuple[bytes, bytes], list[int]] = {}
        hashes = array("q")
        pending, out_pos, in_pos = b"", 0, 0
        with self.path.open("rb") as f:
            while chunk := f.read(READ_CHUNK):
                if inflate is not None:
                    if in_pos % CHECKPOINT_IN_BYTES == 0:
                        self._ck_out.append(out_pos + len(pending))
                        self._ck_in.append(in_pos)
                        self._ck.append(inflate.copy())
                    chunk = inflate.decompress(chunk)
                in_pos += READ_CHUNK  # every read but the last is full, so checkpoints align
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
            feed = NewsFeed(source.decode(), category.decode(), f"{slug(source.decode())}/{slug(category.decode())}")
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
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
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
    ).encode("utf-8")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
