"""When a tracked original is checked again: often while a correction is fresh, then daily, then never."""

from __future__ import annotations

from datetime import datetime, timedelta

# Outlets usually act on a correction request within days: every 6 h sees an edit the same working day.
EARLY_INTERVAL = timedelta(hours=6)
# The fresh period: two weeks covers a request's usual answer time and a reminder.
EARLY_PERIOD = timedelta(days=14)
# After that a quiet article is checked once a day (late edits, removals).
LATE_INTERVAL = timedelta(days=1)
# Tracking ends by itself after three months: an article unchanged by then stays as it is.
STOP_AFTER = timedelta(days=90)


def interval_at(started: datetime, now: datetime) -> timedelta:
    return EARLY_INTERVAL if now - started < EARLY_PERIOD else LATE_INTERVAL


def next_check(started: datetime, now: datetime) -> datetime | None:
    """The next check after one made at ``now``, or None when tracking has run its course."""
    if now - started >= STOP_AFTER:
        return None
    return now + interval_at(started, now)
