"""The story history rows this package writes (``story_events``), and the story lookup it shares."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bantin.responses.errors import NotFound
from bantin.store.office import Story, StoryEvent


def get_story(session: Session, story_id: int, *, for_update: bool = False) -> Story:
    story = session.get(Story, story_id, with_for_update=for_update)
    if story is None:
        raise NotFound(f"không tìm thấy câu chuyện (story not found): {story_id}")
    return story


def add_event(session: Session, story_id: int, actor: str, action: str, at: datetime, *,
              from_state: str | None = None, to_state: str | None = None, **detail: Any) -> StoryEvent:
    event = StoryEvent(story_id=story_id, actor=actor, action=action, at=at, from_state=from_state,
                       to_state=to_state, detail=json.dumps(detail, ensure_ascii=False, default=str))
    session.add(event)
    return event
