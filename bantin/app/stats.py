"""Named decision counters (``fetch/robots_forbidden``, ``ingest/dup_url``), Scrapy-compatible.

Scrapy's ``crawler.stats`` has the same ``inc_value``/``get_value`` interface, so components take any
``StatsLike`` and work both inside a crawl and in plain Python (tests, ``bantin extract``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol


class StatsLike(Protocol):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...

    def get_value(self, key: str, default: Any = None) -> Any: ...


def inc(stats: StatsLike | None, key: str, count: int = 1) -> None:
    """Count ``key`` when there is a collector (parsers and extractors also run without one); 0 counts nothing."""
    if stats is not None and count:
        stats.inc_value(key, count)


class CounterStats:
    """A minimal in-process stats collector."""

    def __init__(self) -> None:
        self._c: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self._c[key] += count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self._c.get(key, default)

    def get_stats(self) -> dict[str, int]:
        return dict(self._c)
