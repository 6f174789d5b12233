"""Due dates: ``due_at = start + hours`` of the priority's response time (the ``response_times`` table
overrides the defaults below)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.store.office import PRIORITIES, ResponseTime

# The office's default answer times per priority, in hours: an urgent story within a working morning, a
# high one within the day, a normal one within three days, a low one within the week.
DEFAULT_RESPONSE_HOURS = {"urgent": 4, "high": 24, "normal": 72, "low": 168}
# No response time is longer than a quarter: a longer "deadline" is no deadline.
MAX_RESPONSE_HOURS = 24 * 90
# Priorities from least to most pressing (the stronger of two wins when stories merge or rules overlap).
PRIORITY_RANK = {p: i for i, p in enumerate(PRIORITIES)}


def response_hours(session: Session) -> dict[str, int]:
    """Hours per priority: the defaults, overridden by the table's rows."""
    hours = dict(DEFAULT_RESPONSE_HOURS)
    hours.update({p: h for p, h in session.execute(select(ResponseTime.priority, ResponseTime.hours))})
    return hours


def due_for(session: Session, priority: str, start: datetime) -> datetime:
    return start + timedelta(hours=response_hours(session).get(priority, DEFAULT_RESPONSE_HOURS["normal"]))


def stronger_priority(a: str, b: str) -> str:
    return a if PRIORITY_RANK.get(a, 0) >= PRIORITY_RANK.get(b, 0) else b
