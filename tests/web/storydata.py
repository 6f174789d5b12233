"""Shared by tests/web/test_story_*.py: a Newsroom queue on the web fixture (the bridge story with a
foreign copy three hours later, the flood story), and small readers of the database and the page."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

from sqlalchemy import select

from bantin.store.office import Story
from bantin.store.schema import AuditEvent
from tests.queue.newsroom import BRIDGE, FLOOD, RATES, T0, Newsroom, syndicated
from tests.web.conftest import Web

BRIDGE_TITLE = "Nghệ An khánh thành cầu Hưng Đức"


def newsroom_queue(web: Web) -> dict[str, int]:
    """The stories of tests/api/storyqueue.py, by a short name: {"bridge": id, "flood": id}."""
    news = Newsroom(web.ctx)
    news.publish("Báo Thử", "cau", BRIDGE_TITLE, BRIDGE)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.classify()
    news.publish("Foreign Daily", "bridge", "Cầu mới ở miền Trung", syndicated(BRIDGE), T0 + timedelta(hours=3))
    news.publish("Báo Khác", "lu", "Lũ quét cuốn trôi nhà ở xã Mường Típ", FLOOD, T0 + timedelta(hours=1))
    news.classify()
    with web.ctx.sessions() as s:
        rows = list(s.execute(select(Story.id, Story.title)))
    found = {("bridge" if "cầu" in (title or "").lower() else "flood"): sid for sid, title in rows}
    assert set(found) == {"bridge", "flood"}, rows
    return found


def story(web: Web, story_id: int) -> Story:
    with web.ctx.sessions() as s:
        row = s.get(Story, story_id)
        assert row is not None
        s.expunge(row)
        return row


def audits(web: Web, action: str) -> list[tuple[str, str | None]]:
    with web.ctx.sessions() as s:
        return list(s.execute(select(AuditEvent.actor, AuditEvent.target).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all())


def text_of(page: str) -> str:
    """The page's visible text, tags dropped and whitespace collapsed (what a reader sees)."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())
