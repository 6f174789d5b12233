"""Extraction off the reactor: worker processes run ``extract_article`` while Scrapy keeps fetching.

trafilatura is CPU-bound (20-45 ms a page) and holds the GIL. Run on the reactor thread it stalls every
download and every store while it works; in worker processes the reactor only fetches and stores, and a
machine's cores work at once (bench/throughput.py: 0.53 -> 0.97 of bare trafilatura on 2 cores). A worker
that dies (out of memory, a crash in a C library on hostile markup) or runs past ``EXTRACT_TIMEOUT_S`` costs
that page one failed attempt - recorded and retried with backoff - never the crawl.

Workers start from a fork server (never a fork of the reactor process, whose threads and database
connections a child must not inherit) with the extraction modules already imported. They exit when the
crawler exits, including when it is killed: their pipes to it close.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from bantin.app.stats import CounterStats, StatsLike
from bantin.extract.article import ExtractedArticle, extract_article

log = logging.getLogger(__name__)

# Each worker holds trafilatura, lxml and a page (~100 MB resident); 4 keep up with a province office's
# few hundred sources on any machine, and bound the memory on big ones.
MAX_AUTO_WORKERS = 4
# A page that takes this long is pathological (normal pages: under 0.1 s; the 8 MiB cap: a few seconds).
EXTRACT_TIMEOUT_S = 60.0
# Workers are replaced after this many pages: bounds slow growth in lxml/trafilatura caches.
TASKS_PER_WORKER = 2000
# What the fork server imports once, so that new workers start warm: the extraction modules and their lazily
# built state (bantin.extract.warm runs two tiny pages at import), inherited by every worker forked from it.
PRELOAD = ["bantin.extract.article", "bantin.extract.warm"]


class ExtractionFailed(Exception):
    """The worker running this page died or timed out; the page is retried later."""


def auto_workers() -> int:
    """Worker processes for this machine: one per usable core (none on a single core: no gain there)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 0 if usable < 2 else min(usable, MAX_AUTO_WORKERS)


def _exit_with_parent() -> None:
    """Each worker holds both ends of its task queue, so it never sees EOF when the crawler dies: wait on the
    crawler's sentinel (closed by the kernel when it exits, even by SIGKILL) and leave with it."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(0)


def _start_worker() -> None:
    threading.Thread(target=_exit_with_parent, name="bantin-parent-watch", daemon=True).start()
    from bantin.extract.warm import warm  # imported (and run) by the fork server already: then a no-op

    warm()


def extract_counted(body: bytes, url: str, content_type: str | None, hint: dict[str, Any],
                    requested_url: str | None) -> tuple[ExtractedArticle, dict[str, int]]:
    """``extract_article`` with its stats counters returned (they are summed into the crawler's)."""
    stats = CounterStats()
    ex = extract_article(body, url, content_type, hint, stats, requested_url=requested_url)
    return ex, {k: int(v) for k, v in stats.get_stats().items()}


class Extractor:
    """Runs extractions inline (``workers=0``) or in a pool of worker processes."""

    def __init__(self, workers: int, timeout_s: float = EXTRACT_TIMEOUT_S, target: Any = extract_counted):
        self.workers = workers
        self.timeout_s = timeout_s
        self.target = target  # a module-level function (workers import it by name)
        self._ready: Future[ProcessPoolExecutor] | None = None

    def start(self) -> None:
        """Start the pool in the background: the fork server imports (about a second) while feeds are fetched."""
        if self.workers > 0 and self._ready is None:
            ready: Future[ProcessPoolExecutor] = Future()
            self._ready = ready
            threading.Thread(target=self._start_pool, args=(ready,), name="bantin-extract-pool", daemon=True).start()

    def _start_pool(self, ready: Future[ProcessPoolExecutor]) -> None:
        try:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_start_worker,
                                       max_tasks_per_child=TASKS_PER_WORKER)
            for _ in range(self.workers):
                pool.submit(int)  # spawn every worker now; each warms up in its initializer
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the pool
            ready.set_exception(exc)
        else:
            ready.set_result(pool)

    async def extract(self, body: bytes, url: str, content_type: str | None, hint: dict[str, Any],
                      stats: StatsLike, requested_url: str | None = None) -> ExtractedArticle:
        if self.workers > 0:
            self.start()
            assert self._ready is not None
            ready = self._ready
            try:
                pool = await asyncio.wrap_future(ready)
            except Exception:  # noqa: BLE001 - no processes to be had (limits, /dev/shm): extract here instead
                log.exception("extraction workers could not start; extracting in the crawler process")
                stats.inc_value("extract/workers_unavailable")
                self.workers, self._ready = 0, None
        if self.workers <= 0:
            ex, counts = self.target(body, url, content_type, hint, requested_url)
        else:
            future = asyncio.wrap_future(pool.submit(self.target, body, url, content_type, hint, requested_url))
            try:
                ex, counts = await asyncio.wait_for(future, self.timeout_s)
            except TimeoutError:
                stats.inc_value("extract/worker_timeout")
                self._discard(ready, pool)
                raise ExtractionFailed(f"trích xuất quá {self.timeout_s:.0f} s (extraction timed out)") from None
            except BrokenProcessPool:
                stats.inc_value("extract/worker_died")
                self._discard(ready, pool)
                raise ExtractionFailed("tiến trình trích xuất bị dừng (extraction worker died)") from None
        for key, count in counts.items():
            stats.inc_value(key, count)
        return ex  # type: ignore[no-any-return]

    def _discard(self, ready: Future[ProcessPoolExecutor], pool: ProcessPoolExecutor) -> None:
        """Kill a pool whose worker hung or died; the next extraction starts a fresh one."""
        if self._ready is ready:
            self._ready = None
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()  # a hung worker ignores shutdown(); its siblings' pages fail and are retried
        pool.shutdown(wait=False, cancel_futures=True)

    def pool(self) -> ProcessPoolExecutor | None:
        """The running pool, once started (waits for a start in progress)."""
        return self._ready.result() if self._ready is not None else None

    def close(self) -> None:
        ready, self._ready = self._ready, None
        if ready is not None and ready.exception() is None:
            ready.result().shutdown(wait=True, cancel_futures=True)
