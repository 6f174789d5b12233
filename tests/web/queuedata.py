"""Shared by tests/web/test_queue_*.py: a queue with two province stories (as tests/api/storyqueue.py),
and readers of what the page shows."""

from __future__ import annotations

import re
from typing import TypeVar

import pytest
from sqlalchemy import select

from bantin.store.office import Story, StoryEvent
from bantin.store.schema import AuditEvent
from tests.queue.newsroom import two_province_stories
from tests.web.conftest import Web

T = TypeVar("T")
ROW = re.compile(r'<tr data-story="(\d+)"')


@pytest.fixture(name="queue")
def queue_fixture(web: Web) -> Web:
    return build_queue(web)


def build_queue(web: Web) -> Web:
    """The bridge (Báo Thử, with a copy in Foreign Daily) and the flood (Báo Khác); an unrelated article."""
    two_province_stories(web.ctx)
    return web


def rows(html: str) -> list[int]:
    return [int(i) for i in ROW.findall(html)]


def stories(web: Web) -> dict[int, Story]:
    with web.ctx.sessions() as s:
        out = {st.id: st for st in s.scalars(select(Story))}
        s.expunge_all()
    return out


def events(web: Web, story_id: int) -> list[tuple[str, str, str | None]]:
    with web.ctx.sessions() as s:
        return [(e.action, e.actor, e.to_state) for e in s.scalars(
            select(StoryEvent).where(StoryEvent.story_id == story_id).order_by(StoryEvent.id))]


def audits(web: Web, action: str) -> list[tuple[str, str | None, str | None]]:
    with web.ctx.sessions() as s:
        return [(a.actor, a.target, a.detail) for a in s.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]
