"""Moving a story through its states: the transition table, owners, reasons, versions, history and audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bantin.app.context import AppContext
from bantin.queue.actions import StaleVersion, StoryChange, apply_change
from bantin.queue.states import TRANSITIONS, TransitionRefused
from bantin.store.office import ResponseTime, Story, StoryEvent, User
from bantin.store.schema import AuditEvent

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def story(app: AppContext) -> tuple[int, dict[str, int]]:
    with app.sessions() as s:
        users = {name: User(name=name, role=role, disabled=name == "gone")
                 for name, role in (("lan", "reviewer"), ("xem", "viewer"), ("gone", "admin"))}
        s.add_all(users.values())
        row = Story(title="Tin", state="new", priority="normal", entered_by="relevance:primary", created_at=NOW,
                    updated_at=NOW, due_at=NOW + timedelta(hours=72), version=1)
        s.add(row)
        s.commit()
        return row.id, {n: u.id for n, u in users.items()}


def _change(app: AppContext, story_id: int, actor: str = "user:lan", **kw: object) -> Story:
    with app.sessions() as s:
        version = kw.pop("version", s.scalar(select(Story.version).where(Story.id == story_id)))
        st = apply_change(s, story_id, StoryChange(version=version, **kw), actor, now=NOW)  # type: ignore[arg-type]
        s.commit()
        return st


def _refused(app: AppContext, story_id: int, match: str, **kw: object) -> None:
    with pytest.raises(TransitionRefused, match=match):
        _change(app, story_id, **kw)


def test_a_story_goes_from_new_to_responded_with_a_history_row_per_step(app: AppContext, story) -> None:  # type: ignore[no-untyped-def]
    sid, users = story
    _change(app, sid, state="triaged")
    _change(app, sid, state="assigned", owner_id=users["lan"])
    _change(app, sid, state="responding")
    done = _change(app, sid, state="responded")
    assert (done.state, done.owner_id, done.version) == ("responded", users["lan"], 5)
    with app.sessions() as s:
        events = s.execute(select(StoryEvent.action, StoryEvent.actor, StoryEvent.at, StoryEvent.from_state,
                                  StoryEvent.to_state).where(StoryEvent.story_id == sid).order_by(StoryEvent.id)).all()
        audits = s.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.target)).all()
    assert [(a, f, t) for a, _, _, f, t in events] == [
        ("state", "new", "triaged"), ("state", "triaged", "assigned"), ("owner", None, None),
        ("state", "assigned", "responding"), ("state", "responding", "responded")]
    assert {(who, at) for _, who, at, _, _ in events} == {("user:lan", NOW)}
    assert audits == [("user:lan", "story.update", f"story:{sid}")] * 4


def test_moves_outside_the_table_are_refused_with_the_allowed_ones(app: AppContext, story) -> None:  # type: ignore[no-untyped-def]
    sid, _ = story
    _refused(app, sid, "cannot move from new to responded; allowed: assigned, dismissed, triaged", state="responded")
    _change(app, sid, state="triaged")
    _refused(app, sid, "cannot move from triaged to responding; allowed: assigned, dismissed", state="responding")
    _refused(app, sid, "unknown state", state="disputed")  # no state for dissent (principle 2)
    assert TRANSITIONS["responded"] == {"new"}  # final but for reopening


def test_dismissing_needs_a_reason_and_reopening_needs_one_too(app: AppContext, story) -> None:  # type: ignore[no-untyped-def]
    sid, _ = story
    _refused(app, sid, "dismissing needs a reason", state="dismissed", dismissed_reason="  ")
    gone = _change(app, sid, state="dismissed", dismissed_reason="Tin trùng, đã xử lý")
    assert (gone.state, gone.dismissed_reason) == ("dismissed", "Tin trùng, đã xử lý")
    _refused(app, sid, "the story is closed; reopen it first", priority="high")
    _refused(app, sid, "reopening needs a reason", state="new")
    back = _change(app, sid, state="new", reason="Báo khác đăng lại")
    assert (back.state, back.dismissed_reason) == ("new", None)


def test_assigning_needs_an_enabled_owner_of_reviewer_rank(app: AppContext, story) -> None:  # type: ignore[no-untyped-def]
    sid, users = story
    _refused(app, sid, "the assigned state needs an owner", state="assigned")
    _refused(app, sid, "role reviewer or above", owner_id=users["xem"])
    _refused(app, sid, "role reviewer or above", owner_id=users["gone"])
    taken = _change(app, sid, owner_id=users["lan"])  # an owner on a new story assigns it
    assert (taken.state, taken.owner_id) == ("assigned", users["lan"])
    _refused(app, sid, "needs an owner", owner_id=None)
    untaken = _change(app, sid, state="triaged")
    assert (untaken.state, untaken.owner_id) == ("triaged", None)


def test_a_stale_version_is_refused_and_nothing_is_written(app: AppContext, story) -> None:  # type: ignore[no-untyped-def]
    sid, _ = story
    _change(app, sid, version=1, state="triaged")
    with pytest.raises(StaleVersion) as exc:
        _change(app, sid, version=1, state="dismissed", dismissed_reason="x")
    assert exc.value.current == 2
    with app.sessions() as s:
        st = s.get(Story, sid)
        assert st is not None and (st.state, st.version) == ("triaged", 2)
        assert s.scalar(select(StoryEvent.to_state).order_by(StoryEvent.id.desc()).limit(1)) == "triaged"


def test_a_priority_change_recomputes_the_due_date_from_the_response_times(app: AppContext, story) -> None:  # type: ignore[no-untyped-def]
    sid, _ = story
    with app.sessions() as s:
        s.add(ResponseTime(priority="urgent", hours=2))
        s.commit()
    urgent = _change(app, sid, priority="urgent")
    assert urgent.due_at == NOW + timedelta(hours=2)
    low = _change(app, sid, priority="low")
    assert low.due_at == NOW + timedelta(hours=168)
    with app.sessions() as s:
        details = [json.loads(d) for d in s.scalars(select(StoryEvent.detail).where(StoryEvent.action == "priority"))]
    assert [(d["from"], d["to"]) for d in details] == [("normal", "urgent"), ("urgent", "low")]
