"""Extracted pages stored in groups: the pages that finish extraction within a short window share one transaction.

Why: a commit costs about the same for one article as for ten: SQLite writes the WAL frames of the pages it
touched and FTS5 flushes its pending terms into a new segment once per transaction (PostgreSQL flushes its WAL
once). Per page that was ~0.4 ms of system time and ~0.8 M instructions of the store's ~14 M on
bench/throughput.py's pages (docs/benchmarks.md, session 15).

Each page's effect and its fetch-log record stay in one transaction, the group's, so "both or neither" holds
(runs at least once: a crawler killed before the commit leaves every page of the group due in the frontier). A
group that fails is stored again page by page (``CrawlCore.store_many``), so one bad page never takes the others
with it; each caller gets its own page's result or exception.

Runs on the reactor thread; the group is handed to the database thread by ``run``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred

from bantin.ingest.core import StoreOutcome

# How long the first page of a group waits for others: at the bench's ~45 pages a second a group holds a few
# pages; 0.1 s is nothing beside a poll interval of minutes, and a killed crawler redoes at most this much.
LINGER_S = 0.1
# Pages per group at most: one transaction stays a few tens of ms on SQLite, and the writer lock is not held longer.
MAX_GROUP = 16

Item = tuple[Any, ...]  # (ArticleTask, Fetched, ExtractedArticle), as CrawlCore.store_many takes them


class StoreGroups:
    """``await groups.store(task, res, ex)`` returns that page's ``IngestResult`` (or raises its error)."""

    def __init__(self, run: Callable[[Sequence[Item]], Awaitable[list[StoreOutcome]]]) -> None:
        self._run = run
        self._pending: list[tuple[Item, Deferred[Any]]] = []
        self._timer: Any = None

    async def store(self, *item: Any) -> Any:
        d: Deferred[Any] = Deferred()
        self._pending.append((item, d))
        if len(self._pending) >= MAX_GROUP:
            self._flush()
        elif self._timer is None:
            from twisted.internet import reactor

            self._timer = reactor.callLater(LINGER_S, self._flush)  # type: ignore[attr-defined,arg-type]
        return await maybe_deferred_to_future(d)

    def _flush(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        group, self._pending = self._pending, []
        if group:
            deferred_from_coro(self._store(group))

    async def _store(self, group: list[tuple[Item, Deferred[Any]]]) -> None:
        try:
            results = await self._run([item for item, _ in group])
        except Exception as exc:  # noqa: BLE001 - the database thread itself failed: every page gets the error
            results = [exc] * len(group)
        for (_, d), result in zip(group, results, strict=True):
            if isinstance(result, Exception):
                d.errback(result)
            else:
                d.callback(result)
