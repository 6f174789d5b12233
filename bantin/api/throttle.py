"""The login throttle (counted in the database: every API process sees every failure) and the in-process
sliding log behind the rate limit.

Failed logins are already rows of the audit log (``auth.login_failed``, actor ``anonymous:ADDRESS``, target
``user:NAME``), so the throttle counts those rows: with ``bantin serve --workers N`` every worker process sees
the same count, and a restart forgets nothing. The rate limit stays in each process's memory, bounded in size
(MAX_TRACKED_KEYS); with N workers each allows ``1/N`` of the limit (api/security.py), so a client never gets
more than the limit in all.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.app.settings import Settings
from bantin.store.schema import AuditEvent
from bantin.store.types import utcnow

# Failed logins are counted over this window; an attacker gets LOGIN_MAX_FAILURES tries per 15 minutes,
# an officer who mistyped waits at most a coffee break.
LOGIN_WINDOW_S = 15 * 60
# Keys (accounts, addresses, credentials) remembered at once: bounded memory (~100 bytes each plus their
# timestamps) even under a flood of made-up names; the least recently seen key is forgotten first.
MAX_TRACKED_KEYS = 10_000


class SlidingLog:
    """Timestamps of events per key within a window, for at most MAX_TRACKED_KEYS keys (LRU), behind the rate
    limit. Thread-safe, so any caller (a middleware, a route in the thread pool) may share one."""

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._log: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _events(self, key: str) -> deque[float]:
        now = self.clock()
        events = self._log.get(key)
        if events is None:
            events = deque()
            self._log[key] = events
            while len(self._log) > MAX_TRACKED_KEYS:
                self._log.popitem(last=False)
        self._log.move_to_end(key)
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._events(key))

    def add(self, key: str, limit: int) -> None:
        with self._lock:
            events = self._events(key)
            events.append(self.clock())
            while len(events) > limit:  # only the last `limit` matter for retry_after
                events.popleft()

    def retry_after(self, key: str, limit: int) -> int | None:
        """Seconds until ``key`` is below ``limit`` again, or None when it is below now."""
        with self._lock:
            events = self._events(key)
            if len(events) < limit:
                return None
            oldest = events[len(events) - limit]
            return max(1, math.ceil(oldest + self.window_s - self.clock()))


class LoginThrottle:
    """Failed logins per account and per client address within LOGIN_WINDOW_S, read from the audit log; over
    either limit every try waits (429), even one with the right password, so guessing gains nothing. A
    successful login clears the account's count (only failures after the last ``auth.login`` count)."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utcnow) -> None:
        self.per_account = settings.login_max_failures
        self.per_address = settings.login_max_failures_per_address
        self.clock = clock

    def retry_after(self, session: Session, account: str, address: str) -> int | None:
        now = self.clock()
        since = now - timedelta(seconds=LOGIN_WINDOW_S)
        target = f"user:{account}"
        last_ok = session.scalar(select(func.max(AuditEvent.at)).where(
            AuditEvent.action == "auth.login", AuditEvent.target == target))
        by_account = self._wait(session, now, AuditEvent.target == target,
                                max(since, last_ok) if last_ok else since, self.per_account)
        by_address = self._wait(session, now, AuditEvent.actor == f"anonymous:{address}", since,
                                self.per_address)
        waits = [w for w in (by_account, by_address) if w is not None]
        return max(waits) if waits else None

    @staticmethod
    def _wait(session: Session, now: datetime, which: object, since: datetime, limit: int) -> int | None:
        """Seconds until fewer than ``limit`` failures matching ``which`` lie in the window, or None."""
        recent = session.scalars(select(AuditEvent.at).where(
            AuditEvent.action == "auth.login_failed", which, AuditEvent.at > since)  # type: ignore[arg-type]
            .order_by(AuditEvent.at.desc()).limit(limit)).all()
        if len(recent) < limit:
            return None
        return max(1, math.ceil((recent[-1] + timedelta(seconds=LOGIN_WINDOW_S) - now).total_seconds()))
