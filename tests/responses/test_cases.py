"""Response cases: a published response and a correction request are listed back as recorded, each with a
story history row and an audit row; a published response may close the story as ``responded``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bantin.responses.cases import add_correction_request, add_published, list_responses
from bantin.responses.errors import Conflict, Invalid, NotFound
from bantin.store.office import Story, StoryEvent
from bantin.store.schema import AuditEvent
from tests.responses.support import make_story

AT = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
SUMMARY = "Sở Thông tin và Truyền thông đăng thông cáo làm rõ số liệu về dự án cảng biển."


def test_responses_are_listed_back_with_history_and_audit(ctx: Any) -> None:
    story = make_story(ctx)
    with ctx.sessions() as s:
        add_published(s, story, url="https://nghean.gov.vn/thong-cao/123", outlet="Cổng thông tin tỉnh Nghệ An",
                      at=AT, summary=SUMMARY, actor="user:reviewer", user_id=None)
        add_correction_request(s, story, outlet="Báo Thử Nghiệm", channel="email", at=AT + timedelta(hours=1),
                               summary="Đề nghị đính chính số liệu.", actor="user:reviewer", user_id=None)
        s.commit()
    with ctx.sessions() as s:
        got = [(r.kind, r.url, r.outlet, r.channel, r.at, r.summary) for r in list_responses(s, story, limit=10)]
        events = s.scalars(select(StoryEvent).where(StoryEvent.story_id == story)).all()
        audits = s.scalars(select(AuditEvent).where(AuditEvent.target == f"story:{story}")).all()
        state = s.get(Story, story).state  # type: ignore[union-attr]
    assert got == [
        ("published", "https://nghean.gov.vn/thong-cao/123", "Cổng thông tin tỉnh Nghệ An", None, AT, SUMMARY),
        ("correction_request", None, "Báo Thử Nghiệm", "email", AT + timedelta(hours=1), "Đề nghị đính chính số liệu."),
    ]
    assert [(e.action, json.loads(e.detail)["kind"]) for e in events] == [
        ("response", "published"), ("response", "correction_request")]
    assert [a.action for a in audits] == ["response.published", "response.correction_request"]
    assert all(a.actor == "user:reviewer" for a in audits)
    assert state == "new"  # not asked to close the story


def test_a_published_response_can_move_the_story_to_responded(ctx: Any) -> None:
    story = make_story(ctx, state="responding")
    with ctx.sessions() as s:
        case = add_published(s, story, url="https://nghean.gov.vn/tin/1", outlet="Báo Nghệ An", at=AT,
                             summary=None, actor="user:reviewer", user_id=None, mark_responded=True)
        s.commit()
        row = s.get(Story, story)
        assert row is not None and row.state == "responded" and row.version == 2
        moves = s.scalars(select(StoryEvent).where(StoryEvent.action == "state")).all()
        assert [(m.from_state, m.to_state, json.loads(m.detail)["response_id"]) for m in moves] == [
            ("responding", "responded", case.id)]


def test_a_dismissed_story_is_not_marked_responded(ctx: Any) -> None:
    story = make_story(ctx, state="dismissed")
    with ctx.sessions() as s, pytest.raises(Conflict):
        add_published(s, story, url="https://nghean.gov.vn/tin/1", outlet="Báo Nghệ An", at=AT, summary=None,
                      actor="user:reviewer", user_id=None, mark_responded=True)


def test_marking_responded_follows_the_queues_transitions(ctx: Any) -> None:
    story = make_story(ctx, state="new")
    with ctx.sessions() as s, pytest.raises(Conflict, match="cannot move from new to responded"):
        add_published(s, story, url="https://nghean.gov.vn/tin/1", outlet="Báo Nghệ An", at=AT, summary=None,
                      actor="user:reviewer", user_id=None, mark_responded=True)


BAD_REQUESTS = [
    {"channel": "fax"},
    {"outlet": "  "},
    {"at": datetime(2026, 11, 21, 3, 30)},  # no timezone
    {"at": datetime.now(UTC) + timedelta(days=3)},
    {"summary": "x" * 4001},
]


def test_invalid_correction_requests_are_refused_and_store_nothing(ctx: Any) -> None:
    story = make_story(ctx)
    for bad in BAD_REQUESTS:
        args: dict[str, Any] = {"outlet": "Báo Thử Nghiệm", "channel": "phone", "at": AT, "summary": None, **bad}
        with ctx.sessions() as s, pytest.raises(Invalid):
            add_correction_request(s, story, actor="user:reviewer", user_id=None, **args)
    with ctx.sessions() as s:
        assert list_responses(s, story, limit=5) == []


def test_an_unknown_story_is_not_found(ctx: Any) -> None:
    with ctx.sessions() as s, pytest.raises(NotFound):
        list_responses(s, 999, limit=5)
