"""The office's response times per priority, from the queue's own history (stories and story_events).

For the stories created in a day range (Vietnamese calendar days):
- to first triage: creation to the first state change out of "new" (triaged, assigned, responding,
  responded or dismissed: the first decision anyone took on the story);
- to response: creation to the first change to "responded" (principle 2: a public response);
- median and p90 (linear interpolation between closest ranks) in hours, with how many stories each is over;
- overdue: open stories (neither responded nor dismissed) whose due time has passed at ``now``, and
  responded stories answered after their due time (``responded_late``).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bantin.reports.days import day_range
from bantin.store.office import CLOSED_STATES, PRIORITIES, Story, StoryEvent
from bantin.store.types import utcnow

# hours are reported to the minute: finer is noise for an office that answers in hours or days
HOURS_DECIMALS = 2


def quantile(values: list[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between closest ranks (None for no values)."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _hours(a: datetime, b: datetime | None) -> float | None:
    return None if b is None else max(0.0, (b - a).total_seconds() / 3600)


def _summary(values: list[float]) -> dict[str, Any]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, HOURS_DECIMALS)
    return {"count": len(values), "median_hours": r(quantile(values, 0.5)), "p90_hours": r(quantile(values, 0.9))}


def response_times(session: Session, frm: date, to: date, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per priority (every priority, in PRIORITIES order, zeros where none)."""
    now = now or utcnow()
    start, end = day_range(frm, to)
    ev = StoryEvent
    first_triage = func.min(case((and_(ev.to_state.is_not(None), ev.from_state == "new"), ev.at)))
    first_response = func.min(case((ev.to_state == "responded", ev.at)))
    q = (
        select(Story.priority, Story.state, Story.created_at, Story.due_at,
               first_triage.label("triaged_at"), first_response.label("responded_at"))
        .outerjoin(ev, ev.story_id == Story.id)
        .where(Story.created_at >= start, Story.created_at < end)
        .group_by(Story.id, Story.priority, Story.state, Story.created_at, Story.due_at)
    )
    acc: dict[str, dict[str, Any]] = {p: {"stories": 0, "triage": [], "response": [], "overdue_open": 0,
                                          "responded_late": 0} for p in PRIORITIES}
    for priority, state, created, due, triaged_at, responded_at in session.execute(q):
        a = acc.setdefault(priority, {"stories": 0, "triage": [], "response": [], "overdue_open": 0,
                                      "responded_late": 0})
        created, due = _aware(created), _aware(due)
        triaged_at, responded_at = _aware(triaged_at), _aware(responded_at)
        a["stories"] += 1
        if (h := _hours(created, triaged_at)) is not None:
            a["triage"].append(h)
        if (h := _hours(created, responded_at)) is not None:
            a["response"].append(h)
            if due is not None and responded_at is not None and responded_at > due:
                a["responded_late"] += 1
        if state not in CLOSED_STATES and due is not None and due < now:
            a["overdue_open"] += 1
    return [{"priority": p, "stories": a["stories"], "to_triage": _summary(a["triage"]),
             "to_response": _summary(a["response"]), "overdue_open": a["overdue_open"],
             "responded_late": a["responded_late"]} for p, a in acc.items()]


def _aware(value: Any) -> Any:
    """Aggregates over UTCDateTime come back as SQLite strings or naive datetimes on some paths: make UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
