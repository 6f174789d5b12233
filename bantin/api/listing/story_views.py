"""Stories as the API shows them: ORM rows to the public schemas (never the rows themselves)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.api.schemas.stories import (
    NotePublic,
    Origin,
    Place,
    StoryCopy,
    StoryDetail,
    StoryEventPublic,
    StoryPublic,
)
from bantin.queue.actions import StaleVersion, StoryNotFound
from bantin.queue.states import OPEN_STATES, TransitionRefused
from bantin.store.office import Story, StoryEvent, StoryNote
from bantin.store.schema import Article, Classification, Source

NOT_FOUND = "không tìm thấy tin (story not found)"


def _json(raw: str | None, default: Any) -> Any:
    try:
        return json.loads(raw) if raw else default
    except ValueError:
        return default


def story_fields(story: Story | Any, now: datetime) -> dict[str, Any]:
    """StoryPublic's fields from the ORM row or any row with the stories table's attributes: the list route's
    :func:`story_row_fields` of the same values (tests/api/test_story_page_json.py holds them to the schema)."""
    return story_row_fields(tuple(getattr(story, column.key) for column in LIST_COLUMNS), now)


# Distinct outlet and language lists kept decoded: a page repeats a few ('["vi"]'), and the stories table
# holds at most a few thousand distinct ones; beyond this the least recent are decoded again.
JSON_LIST_CACHE = 4096
# The list route's columns, in the order story_row_fields unpacks them (the origin's topics are not shown).
LIST_COLUMNS = tuple(Story.__table__.c[name] for name in (
    "id", "cluster_id", "origin_article_id", "title", "state", "priority", "owner_id", "due_at",
    "dismissed_reason", "relevance", "topic", "copies", "outlets", "languages", "foreign_outlets",
    "first_published_at", "latest_published_at", "entered_by", "created_at", "updated_at", "version"))


@lru_cache(maxsize=JSON_LIST_CACHE)
def _names(raw: str | None) -> tuple[str, ...] | None:
    """A stored JSON list of strings as a tuple (shared between rows, so immutable); None for anything else."""
    value = _json(raw, [])
    return tuple(value) if type(value) is list and all(type(v) is str for v in value) else None


def story_row_fields(row: Any, now: datetime) -> dict[str, Any]:
    """StoryPublic's fields from a row of :data:`LIST_COLUMNS`, unpacked by position (the outlet and language
    lists as shared tuples, which serialise as the JSON lists they were)."""
    (id_, cluster_id, origin_article_id, title, state, priority, owner_id, due_at, dismissed_reason, relevance,
     topic, copies, outlets, languages, foreign_outlets, first_published_at, latest_published_at, entered_by,
     created_at, updated_at, version) = row
    outlet_names, language_codes = _names(outlets), _names(languages)
    return {
        "id": id_, "cluster_id": cluster_id, "origin_article_id": origin_article_id,
        "title": title, "state": state, "priority": priority, "owner_id": owner_id,
        "due_at": due_at, "overdue": due_at is not None and due_at < now and state in OPEN_STATES,
        "dismissed_reason": dismissed_reason, "relevance": relevance, "topic": topic, "copies": copies,
        "outlets": outlet_names if outlet_names is not None else _json(outlets, []),
        "languages": language_codes if language_codes is not None else _json(languages, []),
        "foreign_outlets": foreign_outlets, "first_published_at": first_published_at,
        "latest_published_at": latest_published_at, "entered_by": entered_by,
        "created_at": created_at, "updated_at": updated_at, "version": version}


def story_public(story: Story | Any, now: datetime) -> StoryPublic:
    return StoryPublic(**story_fields(story, now))


def event_public(e: StoryEvent) -> StoryEventPublic:
    return StoryEventPublic(id=e.id, at=e.at, actor=e.actor, action=e.action, from_state=e.from_state,
                            to_state=e.to_state, detail=_json(e.detail, None))


def history(session: Session, story_id: int) -> list[StoryEventPublic]:
    rows = session.scalars(select(StoryEvent).where(StoryEvent.story_id == story_id)
                           .order_by(StoryEvent.at, StoryEvent.id))
    return [event_public(e) for e in rows]


def story_detail(session: Session, story: Story, now: datetime) -> StoryDetail:
    copies: list[StoryCopy] = []
    origin: Origin | None = None
    if story.cluster_id is not None:
        rows = session.execute(
            select(Article, Source.name, Classification).outerjoin(Source, Source.id == Article.source_id)
            .outerjoin(Classification, Classification.article_id == Article.id)
            .where(Article.cluster_id == story.cluster_id).order_by(Article.id)).all()
        for a, outlet, c in rows:
            copies.append(StoryCopy(article_id=a.id, source_id=a.source_id, outlet=outlet, url=a.canonical_url,
                                    published_at=a.published_at, language=a.language, title=a.title,
                                    relevance=c.relevance if c else None))
            if a.id == story.origin_article_id:
                origin = Origin(article_id=a.id, title=a.title, text=a.text, url=a.canonical_url,
                                topics=_json(c.topics, {}) if c else {}, relevance=c.relevance if c else None,
                                relevance_score=c.relevance_score if c else None,
                                places=[Place(**p) for p in _json(c.places, []) if isinstance(p, dict)
                                        and "name" in p] if c else [])
    timeline = sorted(copies, key=lambda k: (k.published_at is None, k.published_at or now, k.article_id))
    notes = [NotePublic(id=n.id, user_id=n.user_id, text=n.text, created_at=n.created_at) for n in session.scalars(
        select(StoryNote).where(StoryNote.story_id == story.id).order_by(StoryNote.id))]
    return StoryDetail(story=story_public(story, now), copies=copies, timeline=timeline, origin=origin, notes=notes,
                       history=history(session, story.id))


def http_error(exc: Exception) -> HTTPException:
    """The answer to a refused change: 404 unknown story, 409 stale version, 422 a refused move."""
    if isinstance(exc, StoryNotFound):
        return HTTPException(404, NOT_FOUND)
    if isinstance(exc, StaleVersion):
        return HTTPException(409, str(exc))
    if isinstance(exc, TransitionRefused):
        return HTTPException(422, str(exc))
    raise exc
