"""Admission: which syndication clusters become stories in the queue, and keeping each story's summary
of its copies current. :func:`admit` runs inside the classification transaction
(``classify.service.reclassify_stored(on_written=admit)``), so a story and its copies' classifications
commit together.

- A cluster enters when one of its copies is ``primary`` for the province (``entered_by`` =
  "relevance:primary") or an enabled queue rule matches one of its copies (``rules``; "rule:NAME").
- A story's summary (copies, outlets, languages, foreign outlets, first and latest publication, origin,
  title, topics, strongest relevance) is recomputed from the cluster; each copy joining adds a history row
  (action "copy", actor "system").
- Clusters merged at ingest (size 0, articles moved) have their story merged into the surviving cluster's
  (``merge``).
- Stories are never removed automatically: a re-classification that no longer qualifies a cluster leaves
  its story (in whatever state) as it is, with its summary updated, and never changes a story's state.
  Whether a ``new`` story that no longer qualifies should leave the queue is the office's call (dismiss it).
- Idempotent: a second run over the same articles writes nothing (``stories.cluster_id`` is unique).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bantin.queue.due import due_for, stronger_priority
from bantin.queue.merge import absorb_merged
from bantin.queue.rules import ActiveRule, CopyFacts, active_rules
from bantin.search.match import matching_ids
from bantin.store.office import Story, StoryEvent
from bantin.store.schema import Article, Classification, Cluster, Source
from bantin.store.types import utcnow

PRIMARY_ENTRY = "relevance:primary"
SYSTEM = "system"
# Relevance from weakest to strongest: a story's relevance is its strongest copy's.
RELEVANCE_RANK = {"none": 0, "mention": 1, "primary": 2}
# The office's own country: outlets elsewhere count as foreign (sources.country is ISO 3166-1 alpha-2).
HOME_COUNTRY = "VN"
# A new story gets this priority unless a matching rule asks for a stronger one.
DEFAULT_PRIORITY = "normal"
# stories.entered_by holds this many characters ("rule:" + a name of up to 200): a long rule name is cut.
ENTERED_BY_CHARS = 120
# History actions whose detail names the copies a story already knows (so each copy is recorded once).
_COPY_ACTIONS = ("created", "copy")


@dataclass
class AdmitResult:
    created: int = 0
    updated: int = 0
    copies: int = 0
    merged: int = 0


@dataclass(frozen=True)
class Copy:
    article_id: int
    source_id: int | None
    outlet: str | None
    country: str | None
    published_at: datetime | None
    language: str | None
    title: str | None
    relevance: str | None
    top_topic: str | None
    topics: str | None

    def facts(self) -> CopyFacts:
        return CopyFacts(self.relevance, self.top_topic, self.source_id, self.language, self.article_id)


def admit(session: Session, article_ids: Sequence[int], now: datetime | None = None) -> AdmitResult:
    """Create or update the stories of the clusters of ``article_ids`` (in the caller's transaction)."""
    result = AdmitResult()
    if not article_ids:
        return result
    now = now or utcnow()
    cluster_ids = sorted({c for c in session.scalars(select(Article.cluster_id).where(
        Article.id.in_(list(article_ids)))) if c is not None})
    if not cluster_ids:
        return result
    result.merged = absorb_merged(session, cluster_ids, now)
    rules = active_rules(session)
    # three queries for the whole batch (clusters, copies, stories), not three per cluster
    clusters = list(session.scalars(select(Cluster).where(Cluster.id.in_(cluster_ids), Cluster.size > 0)
                                    .order_by(Cluster.id)))
    copies = cluster_copies(session, [c.id for c in clusters])
    stories = {st.cluster_id: st for st in session.scalars(
        select(Story).where(Story.cluster_id.in_([c.id for c in clusters])))}
    for cluster in clusters:
        if copies.get(cluster.id):
            _admit_cluster(session, cluster, copies[cluster.id], stories.get(cluster.id), rules, result, now)
    return result


def cluster_copies(session: Session, cluster_ids: Sequence[int]) -> dict[int, list[Copy]]:
    """The copies (articles with their outlet and classification) of each cluster, by article id."""
    out: dict[int, list[Copy]] = {}
    if not cluster_ids:
        return out
    rows = session.execute(
        select(Article.cluster_id, Article.id, Article.source_id, Source.name, Source.country, Article.published_at,
               Article.language, Article.title, Classification.relevance, Classification.top_topic,
               Classification.topics)
        .outerjoin(Source, Source.id == Article.source_id)
        .outerjoin(Classification, Classification.article_id == Article.id)
        .where(Article.cluster_id.in_(list(cluster_ids))).order_by(Article.id)).all()
    for r in rows:
        out.setdefault(r.cluster_id, []).append(Copy(r.id, r.source_id, r.name, r.country, r.published_at,
                                                     r.language, r.title, r.relevance, r.top_topic, r.topics))
    return out


def entry(copies: list[Copy], rules: list[ActiveRule], session: Session | None = None) -> tuple[str, str] | None:
    """(entered_by, priority) when the story qualifies for the queue, else None. ``session``: for the rules
    on a saved search with a full-text query (asked of the search index; without a session they match nothing)."""
    facts = [c.facts() for c in copies]
    ids = [c.article_id for c in copies]
    matched = [r for r in rules if r.matches(facts, matching_ids(session, r.query, ids)
                                            if r.query is not None and session is not None else ())]
    priority = DEFAULT_PRIORITY
    for r in matched:
        priority = stronger_priority(priority, r.priority)
    if any(c.relevance == "primary" for c in copies):
        return PRIMARY_ENTRY, priority
    if matched:
        return f"rule:{matched[0].name}"[:ENTERED_BY_CHARS], priority
    return None


def summary(cluster: Cluster, copies: list[Copy]) -> dict[str, Any]:
    """The story's columns that describe its copies."""
    origin = next((c for c in copies if c.article_id == cluster.origin_article_id), None)
    if origin is None:
        origin = min(copies, key=lambda c: (c.published_at is None, c.published_at or utcnow(), c.article_id))
    published = [c.published_at for c in copies if c.published_at is not None]
    ranked = [c.relevance for c in copies if c.relevance in RELEVANCE_RANK]
    return {
        "origin_article_id": origin.article_id, "title": origin.title, "topic": origin.top_topic,
        "topics": origin.topics,
        "relevance": max(ranked, key=RELEVANCE_RANK.__getitem__) if ranked else None,
        "copies": len(copies),
        "outlets": json.dumps(sorted({c.outlet for c in copies if c.outlet}), ensure_ascii=False),
        "languages": json.dumps(sorted({c.language for c in copies if c.language})),
        "foreign_outlets": sum(1 for c in copies if c.country and c.country.upper() != HOME_COUNTRY),
        "first_published_at": min(published) if published else None,
        "latest_published_at": max(published) if published else None,
    }


def known_copies(session: Session, story_id: int) -> set[int]:
    """Article ids the story's history already records (created with, or joined as a copy)."""
    known: set[int] = set()
    for detail in session.scalars(select(StoryEvent.detail).where(
            StoryEvent.story_id == story_id, StoryEvent.action.in_(_COPY_ACTIONS))):
        d = json.loads(detail or "{}")
        known.update(int(a) for a in d.get("article_ids", []))
        if d.get("article_id") is not None:
            known.add(int(d["article_id"]))
    return known


def _admit_cluster(session: Session, cluster: Cluster, copies: list[Copy], story: Story | None,
                   rules: list[ActiveRule], result: AdmitResult, now: datetime) -> None:
    cid = cluster.id
    if story is None:
        found = entry(copies, rules, session)
        if found is None:
            return
        story = _create(session, cluster, copies, found, now)
        if story is not None:
            result.created += 1
            return
        story = session.scalar(select(Story).where(Story.cluster_id == cid))  # another process made it
        if story is None:
            return
    added, changed = _refresh(session, story, cluster, copies, now)
    result.copies += added
    result.updated += changed


def _create(session: Session, cluster: Cluster, copies: list[Copy], found: tuple[str, str],
            now: datetime) -> Story | None:
    entered_by, priority = found
    story = Story(cluster_id=cluster.id, state="new", priority=priority, entered_by=entered_by, created_at=now,
                  updated_at=now, due_at=due_for(session, priority, now), version=1, **summary(cluster, copies))
    try:
        with session.begin_nested():  # two crawlers admitting the same cluster: one insert wins
            session.add(story)
            session.flush()
            session.add(StoryEvent(story_id=story.id, at=now, actor=SYSTEM, action="created",
                                   detail=json.dumps({"entered_by": entered_by,
                                                      "article_ids": [c.article_id for c in copies]})))
            session.flush()
    except IntegrityError:
        return None
    return story


def _refresh(session: Session, story: Story, cluster: Cluster, copies: list[Copy], now: datetime) -> tuple[int, int]:
    """Record joining copies and update the summary; returns (copies added, 1 if the story changed)."""
    known = known_copies(session, story.id)
    new = [c for c in copies if c.article_id not in known]
    for c in new:
        session.add(StoryEvent(story_id=story.id, at=now, actor=SYSTEM, action="copy", detail=json.dumps(
            {"article_id": c.article_id, "outlet": c.outlet, "language": c.language,
             "published_at": c.published_at.isoformat() if c.published_at else None}, ensure_ascii=False)))
    changed = False
    for key, value in summary(cluster, copies).items():
        if getattr(story, key) != value:
            setattr(story, key, value)
            changed = True
    if changed or new:
        story.updated_at = now
    return len(new), int(changed or bool(new))
