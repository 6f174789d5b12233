"""Per-host politeness and retry decisions (pure logic; the Scrapy side is PoliteRetryMiddleware).

Spacing between requests to one host is Scrapy's own slot delay: ``DOWNLOAD_DELAY = min_host_delay_s``,
``CONCURRENT_REQUESTS_PER_DOMAIN = 1`` and ``DOWNLOAD_DELAY_JITTER = 0`` (Scrapy's jitter is symmetric
and would halve the delay). ``tests/fetch/test_throttle.py`` measures it at a local server.

On top of that, this module decides retries, which Scrapy's RetryMiddleware gets wrong for a polite
crawler: it ignores ``Retry-After`` and retries immediately. Here, a 429/503 ``Retry-After`` (seconds or
HTTP-date) backs the whole host off for that long, up to :data:`RETRY_AFTER_CAP_S`; 5xx, timeouts and
connection errors back off exponentially with jitter; retries are bounded by :data:`MAX_RETRIES`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Three retries (four attempts) ride out a deploy or a brief overload without hammering a sick host.
MAX_RETRIES = 3
# First backoff; doubles each attempt (2, 4, 8 s) so the host sees less load, not more.
BACKOFF_BASE_S = 2.0
# Never wait longer than this between attempts on our own initiative (Retry-After has its own cap).
BACKOFF_MAX_S = 120.0
# Backoff is stretched by up to +50% at random so retries from many requests do not arrive in lock-step.
BACKOFF_JITTER = 0.5
# A host asking us to wait more than an hour is effectively closed for this crawl: give up and record it.
RETRY_AFTER_CAP_S = 3600.0
# Statuses worth another try: transient server/proxy failures and explicit rate limiting.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
# Statuses whose Retry-After header we honour (RFC 9110 §10.2.3 names 503; RFC 6585 adds 429).
RETRY_AFTER_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait per a ``Retry-After`` header (delta-seconds or HTTP-date), or None if unusable."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(
    attempt: int,
    base_s: float = BACKOFF_BASE_S,
    max_s: float = BACKOFF_MAX_S,
    rng: random.Random | None = None,
) -> float:
    """Wait before retry number ``attempt`` (1-based): base * 2**(attempt-1), capped, plus jitter."""
    rng = rng or random.Random()  # noqa: S311 - jitter, not crypto
    raw = min(max_s, base_s * 2 ** max(0, attempt - 1))
    return raw * (1.0 + rng.uniform(0.0, BACKOFF_JITTER))


@dataclass(frozen=True)
class RetryDecision:
    retry: bool
    delay_s: float  # how long the host should be left alone before the next request
    counter: str  # stats counter recording the decision


def decide_status(
    status: int,
    retry_after: str | bytes | None,
    retries_so_far: int,
    max_retries: int = MAX_RETRIES,
    base_s: float = BACKOFF_BASE_S,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> RetryDecision | None:
    """What to do with a response; None when the status is not a retry matter at all."""
    if status not in RETRY_STATUSES:
        return None
    wait = parse_retry_after(retry_after, now) if status in RETRY_AFTER_STATUSES else None
    if wait is not None and wait > RETRY_AFTER_CAP_S:
        return RetryDecision(False, wait, "fetch/retry_after_too_long")
    if retries_so_far >= max_retries:
        return RetryDecision(False, wait or 0.0, "fetch/retry_gave_up")
    if wait is not None:
        return RetryDecision(True, wait, "fetch/retry_after_honoured")
    return RetryDecision(True, backoff_delay(retries_so_far + 1, base_s, rng=rng), "fetch/retry_backoff")


def decide_exception(
    retries_so_far: int,
    max_retries: int = MAX_RETRIES,
    base_s: float = BACKOFF_BASE_S,
    rng: random.Random | None = None,
) -> RetryDecision:
    """What to do after a timeout or connection error (the caller filters which exceptions qualify)."""
    if retries_so_far >= max_retries:
        return RetryDecision(False, 0.0, "fetch/retry_gave_up")
    return RetryDecision(True, backoff_delay(retries_so_far + 1, base_s, rng=rng), "fetch/retry_backoff")


class HostBackoff:
    """Per-host "not before" times (monotonic seconds) set by Retry-After and backoff."""

    def __init__(self) -> None:
        self._not_before: dict[str, float] = {}

    def push(self, host: str, until: float) -> None:
        if until > self._not_before.get(host, 0.0):
            self._not_before[host] = until

    def wait_for(self, host: str, now: float) -> float:
        until = self._not_before.get(host)
        if until is None:
            return 0.0
        if until <= now:
            del self._not_before[host]
            return 0.0
        return until - now
