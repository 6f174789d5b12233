"""The filtered list of stories, newest first (most recently entered the queue), as one SELECT that the
API's list route and exports share: :func:`story_query` (``filters``, ``now``) -> ``Select``."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from bantin.queue.states import OPEN_STATES
from bantin.store.office import STORY_STATES, Story
from bantin.store.schema import Article

DATE_FIELDS = ("latest_published_at", "created_at")


@dataclass(frozen=True)
class StoryFilters:
    """Empty tuples match anything; ``before_id`` is the keyset cursor (ids below it, newest first)."""

    states: tuple[str, ...] = ()
    owner_id: int | None = None
    unowned: bool = False
    priorities: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    relevance: tuple[str, ...] = ()
    source_ids: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None
    date_field: str = "latest_published_at"  # one of DATE_FIELDS
    overdue: bool = False
    before_id: int | None = None

    def for_audit(self) -> dict[str, Any]:
        """The filters that are set, as the audit row records them (``asdict``'s keys and values, without
        its deep copy: every value here is immutable)."""
        out = {k: v for k in _FILTER_FIELDS if (v := getattr(self, k)) not in ((), None, False)}
        if self.date_from is None and self.date_to is None:
            out.pop("date_field", None)
        return out


_FILTER_FIELDS = tuple(f.name for f in fields(StoryFilters))


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Open stories past their due date."""
    return and_(Story.due_at.is_not(None), Story.due_at < now, Story.state.in_(OPEN_STATES))


def conditions(f: StoryFilters, now: datetime) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.states:
        where.append(Story.state.in_(f.states))
    if f.unowned:
        where.append(Story.owner_id.is_(None))
    elif f.owner_id is not None:
        where.append(Story.owner_id == f.owner_id)
    if f.priorities:
        where.append(Story.priority.in_(f.priorities))
    if f.topics:
        where.append(Story.topic.in_(f.topics))
    if f.relevance:
        where.append(Story.relevance.in_(f.relevance))
    if f.source_ids:  # a story carried by any of these outlets
        where.append(select(Article.id).where(Article.cluster_id == Story.cluster_id,
                                              Article.source_id.in_(f.source_ids)).exists())
    if f.languages:
        where.append(select(Article.id).where(Article.cluster_id == Story.cluster_id,
                                              Article.language.in_(f.languages)).exists())
    column = Story.created_at if f.date_field == "created_at" else Story.latest_published_at
    if f.date_from is not None:
        where.append(column >= f.date_from)
    if f.date_to is not None:
        where.append(column < f.date_to)
    if f.overdue:
        where.append(overdue_clause(now))
    return where


def story_query(filters: StoryFilters, now: datetime) -> Select[Any]:
    q = select(Story).where(*conditions(filters, now))
    if filters.before_id is not None:
        q = q.where(Story.id < filters.before_id)
    return q.order_by(Story.id.desc())


def story_counts(session: Session, filters: StoryFilters, now: datetime) -> tuple[dict[str, int], int]:
    """Stories per state (every state, zeros included) and overdue ones, under ``filters`` but its states."""
    f = replace(filters, states=(), overdue=False, before_id=None)
    where = conditions(f, now)
    per_state = dict.fromkeys(STORY_STATES, 0)
    for state, n in session.execute(select(Story.state, func.count()).where(*where).group_by(Story.state)):
        per_state[state] = n
    overdue = session.scalar(select(func.count()).select_from(Story).where(*where, overdue_clause(now))) or 0
    return per_state, overdue
