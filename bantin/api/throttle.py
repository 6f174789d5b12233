"""In-process counters for the login throttle and the rate limit.

They live in this process's memory, bounded in size (MAX_TRACKED_KEYS): bantin serves the API from one server
process (``bantin serve``), so one process sees every request. Several processes would each count on their
own (the limits would multiply by the number of processes); a shared store would then be needed.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from bantin.app.settings import Settings

# Failed logins are counted over this window; an attacker gets LOGIN_MAX_FAILURES tries per 15 minutes,
# an officer who mistyped waits at most a coffee break.
LOGIN_WINDOW_S = 15 * 60
# Keys (accounts, addresses, credentials) remembered at once: bounded memory (~100 bytes each plus their
# timestamps) even under a flood of made-up names; the least recently seen key is forgotten first.
MAX_TRACKED_KEYS = 10_000


class SlidingLog:
    """Timestamps of events per key within a window, for at most MAX_TRACKED_KEYS keys (LRU). Thread-safe:
    sync routes (the login) run in a thread pool."""

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

    def reset(self, key: str) -> None:
        with self._lock:
            self._log.pop(key, None)


class LoginThrottle:
    """Failed logins per account and per client address; over either limit every try waits (429), even one
    with the right password, so guessing gains nothing. A successful login clears the account's count."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_account = settings.login_max_failures
        self.per_address = settings.login_max_failures_per_address
        self.log = SlidingLog(LOGIN_WINDOW_S, clock)

    def retry_after(self, account: str, address: str) -> int | None:
        waits = [w for w in (self.log.retry_after("account:" + account.lower(), self.per_account),
                             self.log.retry_after("address:" + address, self.per_address)) if w is not None]
        return max(waits) if waits else None

    def failed(self, account: str, address: str) -> None:
        self.log.add("account:" + account.lower(), self.per_account)
        self.log.add("address:" + address, self.per_address)

    def succeeded(self, account: str) -> None:
        self.log.reset("account:" + account.lower())
