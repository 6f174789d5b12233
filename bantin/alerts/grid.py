"""Publication times per series → counts in 10-minute slots on one shared timeline.

Slot ``j`` covers ``[start + j·STEP, start + (j+1)·STEP)``; an evaluation at ``start + i·STEP`` sees slots
``< i`` only, which is what makes the detector free of look-ahead. Vietnam has no daylight-saving time, so a
shift of exactly 7 × 24 h is the same hour of the same weekday in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

# Evaluation step and slot width: a burst is looked at six times an hour, so it is caught before its hour ends.
STEP = timedelta(minutes=10)
SLOTS_PER_HOUR = 6
SLOTS_PER_DAY = 24 * SLOTS_PER_HOUR
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY


@dataclass(frozen=True)
class Grid:
    """``counts[series]`` (int array, one slot each) and ``first[series]``, the slot of its first item."""

    start: datetime
    counts: dict[str, np.ndarray]
    first: dict[str, int]

    @property
    def slots(self) -> int:
        return len(next(iter(self.counts.values()))) if self.counts else 0

    def time(self, index: int) -> datetime:
        """The instant at the start of slot ``index`` (= the evaluation time that has seen slots < index)."""
        return self.start + index * STEP

    def index(self, when: datetime) -> int:
        """The slot containing ``when``."""
        return int((when - self.start) // STEP)


def floor_step(when: datetime) -> datetime:
    utc = when.astimezone(UTC)
    return utc.replace(minute=utc.minute - utc.minute % 10, second=0, microsecond=0)


def build(events: Iterable[tuple[str, datetime]], start: datetime | None = None,
          end: datetime | None = None) -> Grid:
    """Bin ``(series, aware datetime)`` events; the timeline runs from ``start`` (or the first event) to
    ``end`` (or one slot past the last event). Events outside it are dropped."""
    by_series: dict[str, list[datetime]] = defaultdict(list)
    for series, when in events:
        by_series[series].append(when)
    if not by_series:
        return Grid(start or datetime(1970, 1, 1, tzinfo=UTC), {}, {})
    first_time = min(min(ts) for ts in by_series.values())
    last_time = max(max(ts) for ts in by_series.values())
    origin = floor_step(start or first_time)
    n = int((floor_step(end) - origin) // STEP) if end else int((last_time - origin) // STEP) + 1
    counts: dict[str, np.ndarray] = {}
    first: dict[str, int] = {}
    for series, ts in sorted(by_series.items()):
        idx = np.array([(t - origin) // STEP for t in ts], dtype=np.int64)
        idx = idx[(idx >= 0) & (idx < n)]
        if not len(idx):
            continue
        counts[series] = np.bincount(idx, minlength=n).astype(np.int64)
        first[series] = int(idx.min())
    return Grid(origin, counts, first)
