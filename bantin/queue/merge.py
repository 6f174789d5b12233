"""Stories of clusters merged at ingest: the merged-away cluster keeps no articles (size 0), so its story
follows its origin article into the surviving cluster.

When the surviving cluster has no story, the story moves there. When both have one, they become one: the
row of the more advanced story (``states.PROGRESS``; a tie keeps the older) keeps its state, owner and
reason, takes the stronger priority and the earlier due date, and receives the other's notes, history,
responses and tracked originals; the other row is deleted. A "merged" history row and an audit row say so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bantin.app import audit
from bantin.queue.due import stronger_priority
from bantin.queue.states import PROGRESS
from bantin.store.office import ResponseCase, Story, StoryEvent, StoryNote, TrackedOriginal
from bantin.store.schema import Article

SYSTEM = "system"
# Rows that belong to a story and follow it into the story it is merged into.
_CHILDREN = (StoryEvent, StoryNote, ResponseCase, TrackedOriginal)


def absorb_merged(session: Session, cluster_ids: Sequence[int], now: datetime) -> int:
    """Move or merge the stories whose origin article now lives in one of ``cluster_ids``; returns how many."""
    rows = session.execute(
        select(Story, Article.cluster_id).join(Article, Article.id == Story.origin_article_id)
        .where(Article.cluster_id.in_(cluster_ids), Story.cluster_id.is_distinct_from(Article.cluster_id))
        .order_by(Story.id)).all()
    for story, target in rows:
        assert target is not None  # the join's IN condition
        survivor = session.scalar(select(Story).where(Story.cluster_id == target))
        if survivor is None:
            _event(session, story, now, from_cluster=story.cluster_id, to_cluster=target)
            story.cluster_id, story.updated_at = target, now
            session.flush()
        else:
            merge_stories(session, survivor, story, target, now)
    return len(rows)


def merge_stories(session: Session, a: Story, b: Story, cluster_id: int, now: datetime) -> Story:
    keep, other = sorted((a, b), key=lambda s: (-PROGRESS.get(s.state, 0), s.id))
    for child in _CHILDREN:
        session.execute(update(child).where(child.story_id == other.id).values(story_id=keep.id)
                        .execution_options(synchronize_session=False))
    keep.priority = stronger_priority(keep.priority, other.priority)
    dues = [d for d in (keep.due_at, other.due_at) if d is not None]
    keep.due_at = min(dues) if dues else None
    _event(session, keep, now, merged_story=other.id, merged_state=other.state, from_cluster=other.cluster_id,
           to_cluster=cluster_id)
    audit.record(session, SYSTEM, "story.merged", audit_target=f"story:{keep.id}", merged_story=other.id,
                 merged_state=other.state, kept_state=keep.state)
    session.delete(other)
    session.flush()  # the other row (and its unique cluster id) goes before ours takes the cluster
    keep.cluster_id, keep.updated_at, keep.version = cluster_id, now, keep.version + 1
    session.flush()
    return keep


def _event(session: Session, story: Story, now: datetime, **detail: object) -> None:
    session.add(StoryEvent(story_id=story.id, at=now, actor=SYSTEM, action="merged",
                           detail=json.dumps(detail, ensure_ascii=False, default=str)))
