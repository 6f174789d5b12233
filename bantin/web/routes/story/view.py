"""What the story page shows, read in one read session: the API's story detail
(``api.story_views.story_detail``) and, beside it, the spread timeline, topics with their taxonomy names,
the origin's labels, the response cases and tracked originals (``bantin.responses``), staff names and the
moves the queue's transition table allows. Never ORM rows to the template: the API's public schemas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.api.listing.story_views import story_detail
from bantin.api.schemas.labels import LabelPublic
from bantin.api.schemas.responses import CheckPublic, ResponsePublic, TrackedPublic
from bantin.api.schemas.stories import StoryCopy, StoryDetail
from bantin.classify.labels import RELEVANCE_VALUES
from bantin.classify.topics.taxonomy import TOPICS
from bantin.queue.admission import HOME_COUNTRY
from bantin.queue.states import OWNER_ROLES, TRANSITIONS
from bantin.responses import cases, tracking
from bantin.store.office import PRIORITIES, Story, User
from bantin.store.schema import Label, Source
from bantin.web.i18n import VN_TZ
from bantin.web.routes.story.words import channel_name, describe, diff_lines, offset_text, topic_name

# The SVG timeline's geometry (viewBox units): outlet names on the left, the time axis, the offset on the right.
AXIS_X0, AXIS_X1, ROW_H = 230, 700, 26
# Outlet names longer than this are cut in the SVG (the table below it has them whole).
SVG_NAME_CHARS = 28
# Response cases shown on the page: a story gets a handful; more is a flood (the API pages through all).
MAX_RESPONSES = 50
# Checks shown per tracked original (newest first): about two and a half days at the 6-hour interval.
MAX_CHECKS_SHOWN = 10
# Labels shown for the origin article, newest first.
MAX_LABELS_SHOWN = 20
# Topics listed: the model scores all fourteen; the best few say what the story covers.
MAX_TOPICS_SHOWN = 5
# A topic scored below this is noise, not coverage (the best one is listed whatever its score).
MIN_TOPIC_SCORE = 0.05
# Staff accounts offered in "assign to": an office has tens of officers.
MAX_OWNERS = 200


@dataclass(frozen=True)
class TimelineRow:
    copy: StoryCopy
    foreign: bool
    offset: str
    x: int
    y: int
    name: str


@dataclass(frozen=True)
class TopicRow:
    key: str
    name: str
    score: float


def timeline_rows(copies: list[StoryCopy], foreign_ids: set[int]) -> list[TimelineRow]:
    """The dated copies in order of publication, each placed on the axis by its time after the first."""
    dated = [c for c in copies if c.published_at is not None]
    if not dated:
        return []
    first, last = dated[0].published_at, dated[-1].published_at
    assert first is not None and last is not None
    span = (last - first).total_seconds()
    rows = []
    for i, c in enumerate(dated):
        assert c.published_at is not None
        frac = (c.published_at - first).total_seconds() / span if span > 0 else 0.0
        name = c.outlet or "—"
        rows.append(TimelineRow(c, c.source_id in foreign_ids, offset_text(c.published_at - first),
                                int(AXIS_X0 + frac * (AXIS_X1 - AXIS_X0)), ROW_H * i + ROW_H // 2 + 4,
                                name if len(name) <= SVG_NAME_CHARS else name[: SVG_NAME_CHARS - 1] + "…"))
    return rows


def _users(r: Session) -> dict[int, str]:
    return {uid: display or name for uid, name, display in r.execute(
        select(User.id, User.name, User.display_name).order_by(User.id).limit(10 * MAX_OWNERS))}


def _owners(r: Session) -> list[tuple[int, str]]:
    rows = r.execute(select(User.id, User.name, User.display_name)
                     .where(User.role.in_(sorted(OWNER_ROLES)), User.disabled.is_(False))
                     .order_by(User.name).limit(MAX_OWNERS))
    return [(uid, display or name) for uid, name, display in rows]


def _foreign(r: Session, copies: list[StoryCopy]) -> set[int]:
    ids = {c.source_id for c in copies if c.source_id is not None}
    if not ids:
        return set()
    return {sid for sid, country in r.execute(select(Source.id, Source.country).where(Source.id.in_(ids)))
            if country and country.upper() != HOME_COUNTRY}


def _labels(r: Session, article_id: int | None) -> list[LabelPublic]:
    if article_id is None:
        return []
    rows = r.scalars(select(Label).where(Label.article_id == article_id).order_by(Label.id.desc())
                     .limit(MAX_LABELS_SHOWN))
    return [LabelPublic.model_validate(x) for x in rows]


def _tracked(r: Session, story_id: int) -> list[dict[str, Any]]:
    out = []
    for row, checks in tracking.list_tracking(r, story_id):
        public = TrackedPublic.model_validate(row)
        shown = [CheckPublic.model_validate(c) for c in checks[:MAX_CHECKS_SHOWN]]
        out.append({"t": public, "checks": [(c, diff_lines(c.diff)) for c in shown]})
    return out


def _local(value: datetime | None) -> str:
    """A stored UTC time as a datetime-local field's value in Vietnam time ("2026-11-21T10:30")."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")


def label_context(r: Session, detail: StoryDetail) -> dict[str, Any]:
    """The labelling block: the origin's topics and relevance, its labels (who, when), the choices."""
    origin = detail.origin
    ranked = sorted(((k, v) for k, v in (origin.topics if origin else {}).items()), key=lambda kv: -kv[1])
    topics = ranked[:1] + [(k, v) for k, v in ranked[1:MAX_TOPICS_SHOWN] if v >= MIN_TOPIC_SCORE]
    return {"origin": origin, "topics": [TopicRow(k, topic_name(k), v) for k, v in topics],
            "labels": _labels(r, origin.article_id if origin else None),
            "topic_choices": [(t.key, topic_name(t.key)) for t in TOPICS], "relevance_choices": RELEVANCE_VALUES,
            "topic_name": topic_name}


def load(r: Session, story: Story, now: datetime) -> dict[str, Any]:
    """Everything the page template needs, as public schemas and small view rows."""
    detail = story_detail(r, story, now)
    users = _users(r)
    foreign_ids = _foreign(r, detail.copies)
    timeline = timeline_rows(detail.timeline, foreign_ids)
    responses = [ResponsePublic.model_validate(c) for c in cases.list_responses(r, story.id, limit=MAX_RESPONSES)]
    history = [(e, describe(e, users)) for e in reversed(detail.history)]  # newest first
    return {"d": detail, "now_local": _local(now), "due_local": _local(story.due_at), "st": detail.story, "users": users, "owners": _owners(r), "foreign_ids": foreign_ids,
            "timeline": timeline, "svg_height": max(ROW_H * len(timeline) + 8, ROW_H),
            "axis": (AXIS_X0, AXIS_X1), "moves": sorted(TRANSITIONS[story.state]), "priorities": PRIORITIES,
            "responses": responses, "channels": [(c, channel_name(c)) for c in cases.CHANNELS],
            "channel_name": channel_name, "tracked": _tracked(r, story.id), "history": history,
            **label_context(r, detail)}
