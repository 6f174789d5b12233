"""The news archive behind ``bantin replay``'s ``/news/...`` feeds: ../shared/data/news/rss_articles.jsonl.gz
(153k real RSS items, no bodies), indexed once in a background thread without keeping the decompressed
88 MB. Indexing keeps per item only its offset, length and timestamp, per feed the item ids newest first,
and a sorted table of url_key() hashes; it also keeps zlib checkpoints every ``CHECKPOINT_IN_BYTES`` of
compressed input, so one item is read back by re-inflating a single segment on demand (a few ms, cached).
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import queue
import re
import threading
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any

from bantin.replay.urls import parse_ts, slug, url_key, url_keys

# ~95 checkpoints x ~50 KB each; one segment inflates in a few ms.
CHECKPOINT_IN_BYTES = 256 * 1024
# Inflated segments (~1 MB each) kept for feed pages that hit neighbouring items.
SEGMENT_CACHE = 8
# Compressed bytes per read while indexing.
READ_CHUNK = 64 * 1024
# Inflated chunks (~230 KB each) the inflating thread may run ahead of the parser.
INFLATE_AHEAD = 8
# Every line of the archive as written by the collector starts like this (fast path of _index_lines).
_LINE_HEAD = b'{"url": "'
_TAIL_KEYS = ("source", "feed_category", "published", "fetched")
_TAIL = re.compile(b"".join(b', "%s": "([^"\\\\\n]*)"' % k.encode() for k in _TAIL_KEYS) + b"}$", re.M)
log = logging.getLogger(__name__)


def _timestamps(values: list[bytes]) -> list[int]:
    try:
        return [int(datetime.fromisoformat(v.decode()).timestamp()) for v in values]
    except ValueError:
        return [parse_ts(v.decode()) or 0 for v in values]


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
        hashes.extend(map(hash, url_keys(urls)))

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
