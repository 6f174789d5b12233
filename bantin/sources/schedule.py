"""Adaptive poll intervals and source health: poll busy feeds often, quiet or failing ones less."""

from __future__ import annotations

from datetime import datetime, timedelta

from bantin.store.schema import Source

# Big Vietnamese publishers add items every few minutes; polling faster than 5 min is impolite and useless.
MIN_POLL_S = 300
# A provincial paper may publish only a few items a day; 6 h still sees each day's news the same day.
MAX_POLL_S = 6 * 3600
# New sources start at 15 min, a common feed TTL, and adapt from there.
DEFAULT_POLL_S = 900
# New items: poll sooner (halve). Only duplicates / 304: back off gently (x1.5) so a burst is not missed.
SPEED_UP_FACTOR = 0.5
SLOW_DOWN_FACTOR = 1.5
# Failures back off faster (x2) so a broken host is not hammered.
FAILURE_FACTOR = 2.0
# A feed that succeeds but brings nothing new for 3 days is "quiet" (probably moved or abandoned).
QUIET_AFTER = timedelta(days=3)
# Ten failures in a row spanning at least a day: "dead"; a human should look at the URL.
DEAD_AFTER_FAILURES = 10
DEAD_AFTER = timedelta(days=1)


def _clamp(seconds: float) -> int:
    return int(min(MAX_POLL_S, max(MIN_POLL_S, seconds)))


def on_success(source: Source, now: datetime, new_items: int) -> None:
    """A feed fetch worked (200 or 304); ``new_items`` is how many items were new to bantin."""
    interval = source.poll_interval_s or DEFAULT_POLL_S
    if new_items > 0:
        source.poll_interval_s = _clamp(interval * SPEED_UP_FACTOR)
        source.last_new_item_at = now
    else:
        source.poll_interval_s = _clamp(interval * SLOW_DOWN_FACTOR)
    source.last_success_at = now
    source.consecutive_failures = 0
    source.next_poll_at = now + timedelta(seconds=source.poll_interval_s)
    since_new = now - (source.last_new_item_at or source.created_at or now)
    source.health = "quiet" if since_new > QUIET_AFTER else "ok"


def on_failure(source: Source, now: datetime, error: str, retry_after_s: float | None = None) -> None:
    """A feed fetch failed (network, HTTP error, unparseable, refused)."""
    source.consecutive_failures = (source.consecutive_failures or 0) + 1
    source.last_error = error[:2000]
    source.last_error_at = now
    wait = _clamp((source.poll_interval_s or DEFAULT_POLL_S) * FAILURE_FACTOR)
    if retry_after_s:
        wait = max(wait, int(retry_after_s))
    source.poll_interval_s = min(wait, MAX_POLL_S)
    source.next_poll_at = now + timedelta(seconds=wait)
    first_bad = now - (source.last_success_at or source.created_at or now)
    dead = source.consecutive_failures >= DEAD_AFTER_FAILURES and first_bad >= DEAD_AFTER
    source.health = "dead" if dead else "failing"
