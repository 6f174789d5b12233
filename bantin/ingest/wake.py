"""A one-shot wake-up for the spider between its ticks, at the moment the next feed falls due.

The spider looks for due feeds on a fixed tick (30 s, or a quarter of a small ``BANTIN_POLL_MIN_S``); a feed due
between two ticks waited for the next one, so a feed kept at the 300 s minimum was polled up to 10 % late and a 5 s
minimum up to 25 %. After every tick and every feed answer the spider asks when the next feed is due and, if that
comes before the next tick, arms one ``reactor.callLater`` for it (the earliest wins; never more than one pending).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bantin.app.stats import StatsLike
from bantin.store.types import utcnow

# Wake this long after the due time, so that ``next_poll_at <= now`` holds when the due query runs (and a wake
# can never fire in a tight loop: every wake is at least this far off).
WAKE_SLACK_S = 0.05


class DueWake:
    def __init__(self, run: Callable[[], object], horizon_s: float,
                 next_due: Callable[[], Awaitable[datetime | None]], stats: StatsLike) -> None:
        self.run, self.horizon_s, self.next_due, self.stats = run, horizon_s, next_due, stats
        self._call: Any = None  # twisted IDelayedCall, while armed

    async def rearm(self) -> None:
        """Ask when the next feed is due and arm for it; if the database cannot say, the next tick asks again."""
        try:
            due = await self.next_due()
        except Exception:  # noqa: BLE001 - a locked or restarting database: the tick is the fallback
            self.stats.inc_value("crawl/wake_failed")
            return
        self.arm(due, utcnow())

    def arm(self, due: datetime | None, now: datetime) -> None:
        """Wake at ``due`` if it comes before the horizon (the next tick) and before the wake already armed."""
        if due is None:
            return
        delay = max((due - now).total_seconds(), 0.0) + WAKE_SLACK_S
        if delay >= self.horizon_s:
            return
        from twisted.internet import reactor

        if self._call is not None and self._call.active():
            if self._call.getTime() <= reactor.seconds() + delay:  # type: ignore[attr-defined,misc]
                return
            self._call.cancel()
        self._call = reactor.callLater(delay, self._fire)  # type: ignore[attr-defined,arg-type]
        self.stats.inc_value("crawl/wake_armed")

    def _fire(self) -> None:
        self._call = None
        self.run()

    def cancel(self) -> None:
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._call = None
