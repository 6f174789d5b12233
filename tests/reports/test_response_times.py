"""Response times per priority from the queue's history: creation to first triage and to response."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bantin.reports import response_times
from bantin.reports.response_times import quantile
from bantin.store.office import Story, StoryEvent

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def _story(s, priority: str, state: str, created: datetime, steps: list[tuple[float, str, str]],  # type: ignore[no-untyped-def]
           due_h: float | None = None) -> None:
    st = Story(title="Tin", state=state, priority=priority, entered_by="relevance:primary", created_at=created,
               updated_at=created, due_at=created + timedelta(hours=due_h) if due_h is not None else None)
    s.add(st)
    s.flush()
    s.add(StoryEvent(story_id=st.id, at=created, actor="system", action="created", to_state="new"))
    for hours, frm, to in steps:
        s.add(StoryEvent(story_id=st.id, at=created + timedelta(hours=hours), actor="user:reviewer",
                         action="state", from_state=frm, to_state=to))


def test_median_and_p90_hours_per_priority(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        for i, (triage_h, respond_h) in enumerate([(1, 10), (2, 20), (3, 30), (4, 40), (5, 50)]):
            _story(s, "high", "responded", T0 + timedelta(minutes=i),
                   [(triage_h, "new", "triaged"), (triage_h + 1, "triaged", "responding"),
                    (respond_h, "responding", "responded")], due_h=24)
        _story(s, "normal", "dismissed", T0, [(6, "new", "dismissed")])
        s.commit()
        rows = {r["priority"]: r for r in response_times(s, date(2026, 4, 1), date(2026, 4, 1), now=T0)}
    high = rows["high"]
    assert high["stories"] == 5
    assert high["to_triage"] == {"count": 5, "median_hours": 3.0, "p90_hours": 4.6}
    assert high["to_response"] == {"count": 5, "median_hours": 30.0, "p90_hours": 46.0}
    assert high["responded_late"] == 3  # answered after 30, 40 and 50 hours against 24 due
    assert rows["normal"]["to_triage"] == {"count": 1, "median_hours": 6.0, "p90_hours": 6.0}
    assert rows["normal"]["to_response"] == {"count": 0, "median_hours": None, "p90_hours": None}
    assert rows["low"]["stories"] == 0 and rows["urgent"]["stories"] == 0
    assert [r["priority"] for r in rows.values()] == ["low", "normal", "high", "urgent"]


def test_open_stories_past_their_due_time_are_overdue(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        _story(s, "urgent", "assigned", T0, [(0.5, "new", "assigned")], due_h=4)  # overdue at T0+5h
        _story(s, "urgent", "new", T0, [], due_h=8)  # not yet due at T0+5h
        _story(s, "urgent", "dismissed", T0, [(1, "new", "dismissed")], due_h=2)  # closed: never overdue
        s.commit()
        rows = {r["priority"]: r for r in response_times(s, date(2026, 4, 1), date(2026, 4, 1),
                                                         now=T0 + timedelta(hours=5))}
    assert rows["urgent"]["stories"] == 3
    assert rows["urgent"]["overdue_open"] == 1
    assert rows["urgent"]["to_triage"]["count"] == 2


def test_stories_are_taken_by_their_vietnamese_creation_day(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        _story(s, "low", "new", datetime(2026, 4, 1, 17, 0, tzinfo=UTC), [])  # 2 April in Vietnam
        _story(s, "low", "new", datetime(2026, 4, 1, 16, 0, tzinfo=UTC), [])  # 1 April in Vietnam
        s.commit()
        rows = {r["priority"]: r for r in response_times(s, date(2026, 4, 2), date(2026, 4, 2), now=T0)}
    assert rows["low"]["stories"] == 1


def test_quantile_interpolates_between_ranks() -> None:
    assert quantile([], 0.5) is None
    assert quantile([7.0], 0.9) == 7.0
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
