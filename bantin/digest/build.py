"""``build_digest``: the digest of one Vietnamese calendar day (Asia/Ho_Chi_Minh), read from the database.

- Coverage: the province's articles (relevance primary or mention, ``reports.coverage``) on the day by topic,
  against the daily average of the BASELINE_DAYS days before it (totals over every topic; a topic absent on
  the day and under MIN_AVERAGE a day before is not listed).
- Top stories: the queue's stories with a copy published on the day (dismissed ones left out: the office
  decided they need nothing), most outlets first (then most copies, then the older story), each with its
  origin's outlet and first sentences, and the foreign outlets among its copies.
- Foreign coverage: the day's province articles from an outlet whose country is not Vietnam, or in a
  language other than Vietnamese, linked to their story's page when they are in the queue.
- The queue at ``now``: open stories, overdue ones (``queue.listing.overdue_clause``) and stories responded
  on the day (read the next morning, the reader's "yesterday").

``topics`` (taxonomy keys) limits coverage, stories and foreign coverage to those topics (the origin's best
topic for a story); the queue's numbers are the whole office's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from bantin.classify.topics.taxonomy import BY_KEY
from bantin.digest.model import CoverageRow, Digest, ForeignItem, QueueNumbers, StoryItem
from bantin.digest.sentences import lead_sentences
from bantin.queue.admission import HOME_COUNTRY
from bantin.queue.listing import overdue_clause
from bantin.reports import coverage
from bantin.reports.days import day_range
from bantin.store.office import OPEN_STATES, Story, StoryEvent
from bantin.store.schema import Article, Classification, Source

# The baseline the day is compared with: a month smooths out weekdays and one-off events.
BASELINE_DAYS = 30
# A topic with nothing on the day and fewer articles a day than this before it is left out of the chart and
# table: it would show as "0" against "0,0" (one decimal), noise that pushes the day's topics apart.
MIN_AVERAGE = 0.05
# Stories a leader reads over breakfast; the rest are in the queue's page.
TOP_STORIES = 10
# Foreign articles listed (a day with more is rare; the report page has them all).
MAX_FOREIGN = 20
# The relevance classes the province's coverage counts (reports.coverage's default "province").
PROVINCE_RELEVANCE = ("primary", "mention")
# States left out of the top stories: the office decided a dismissed story needs nothing.
LEFT_OUT_STATES = ("dismissed",)
NO_TOPIC = "chưa phân loại chủ đề"
NO_TITLE = "(không có tiêu đề)"
STATE_NAMES = {"new": "mới", "triaged": "đã phân loại", "assigned": "đã giao", "responding": "đang phản hồi",
               "responded": "đã phản hồi", "dismissed": "đã bỏ qua"}
LANGUAGE_NAMES = {"vi": "tiếng Việt", "en": "tiếng Anh", "other": "ngôn ngữ khác"}


def topic_name(key: str | None) -> str:
    return BY_KEY[key].vi if key in BY_KEY else NO_TOPIC if key is None else key


def build_digest(session: Session, day: date, topics: set[str] | None, settings: Any, now: datetime) -> Digest:
    """The digest of ``day``; ``settings`` gives ``province`` and ``public_url``; ``now`` (UTC) the queue's time."""
    keys = frozenset(topics or ())
    base = (getattr(settings, "public_url", None) or "").rstrip("/")
    rows, today, average = _coverage(session, day, keys)
    return Digest(
        day=day, province=settings.province, generated_at=now, topics=tuple(sorted(topic_name(k) for k in keys)),
        coverage=rows, total_today=today, total_average=average, stories=_stories(session, day, keys, base),
        foreign=_foreign(session, day, keys, base), queue=_queue(session, day, now), public_url=base,
        baseline_days=BASELINE_DAYS,
        notes=() if base else ("BANTIN_PUBLIC_URL chưa được đặt: các liên kết là đường dẫn tương đối.",))


def _coverage(session: Session, day: date, keys: frozenset[str]) -> tuple[tuple[CoverageRow, ...], int, float]:
    today: dict[str | None, int] = {}
    before: dict[str | None, int] = {}
    for r in coverage(session, day - timedelta(days=BASELINE_DAYS), day, by="topic"):
        if keys and r["key"] not in keys:
            continue
        into = today if r["day"] == day else before
        into[r["key"]] = into.get(r["key"], 0) + r["count"]
    rows = [CoverageRow(k, topic_name(k), today.get(k, 0), round(before.get(k, 0) / BASELINE_DAYS, 2))
            for k in set(today) | set(before)
            if today.get(k, 0) or before.get(k, 0) / BASELINE_DAYS >= MIN_AVERAGE]
    rows.sort(key=lambda r: (-r.today, -r.average, r.key is None, r.name))
    return tuple(rows), sum(today.values()), round(sum(before.values()) / BASELINE_DAYS, 2)


def story_url(base: str, story_id: int) -> str:
    return f"{base}/stories/{story_id}"


def _stories(session: Session, day: date, keys: frozenset[str], base: str) -> tuple[StoryItem, ...]:
    start, end = day_range(day, day)
    # the clusters with a copy published on the day (the index on published_at), then every copy's outlet
    day_clusters = select(Article.cluster_id).where(Article.published_at >= start, Article.published_at < end,
                                                    Article.cluster_id.is_not(None))
    n_outlets = func.count(distinct(Article.source_id))
    q = (select(Story.id, n_outlets.label("n")).join(Article, Article.cluster_id == Story.cluster_id)
         .where(Story.cluster_id.in_(day_clusters), Story.state.not_in(LEFT_OUT_STATES))
         .group_by(Story.id, Story.copies).order_by(n_outlets.desc(), Story.copies.desc(), Story.id)
         .limit(TOP_STORIES))
    if keys:
        q = q.where(Story.topic.in_(keys))
    ranked = [(sid, int(n)) for sid, n in session.execute(q)]
    if not ranked:
        return ()
    stories = {st.id: st for st in session.scalars(select(Story).where(Story.id.in_([i for i, _ in ranked])))}
    clusters = [st.cluster_id for st in stories.values() if st.cluster_id is not None]
    foreign: dict[int | None, set[str]] = {}
    for cid, name, country in session.execute(
            select(Article.cluster_id, Source.name, Source.country).join(Source, Source.id == Article.source_id)
            .where(Article.cluster_id.in_(clusters)).distinct()):
        if country and country.upper() != HOME_COUNTRY:
            foreign.setdefault(cid, set()).add(name)
    origins = {a.id: (a, name) for a, name in session.execute(
        select(Article, Source.name).outerjoin(Source, Source.id == Article.source_id)
        .where(Article.id.in_([st.origin_article_id for st in stories.values() if st.origin_article_id])))}
    out = []
    for sid, n in ranked:
        st = stories[sid]
        origin, outlet = origins.get(st.origin_article_id or -1, (None, None))
        out.append(StoryItem(
            id=sid, title=st.title or (origin.title if origin else None) or NO_TITLE, origin_outlet=outlet,
            outlets=n, foreign_outlets=tuple(sorted(foreign.get(st.cluster_id or -1, ()))),
            lead=tuple(lead_sentences(origin.text, origin.title) if origin else ()), url=story_url(base, sid),
            topic=topic_name(st.topic) if st.topic else None, state=STATE_NAMES.get(st.state, st.state)))
    return tuple(out)


def _foreign(session: Session, day: date, keys: frozenset[str], base: str) -> tuple[ForeignItem, ...]:
    start, end = day_range(day, day)
    foreign_outlet = Source.country.is_not(None) & (func.upper(Source.country) != HOME_COUNTRY)
    foreign_language = Article.language.is_not(None) & (Article.language != "vi")
    q = (select(Article.title, Article.canonical_url, Article.language, Source.name, Source.country, Story.id)
         .join(Classification, Classification.article_id == Article.id)
         .outerjoin(Source, Source.id == Article.source_id)
         .outerjoin(Story, Story.cluster_id == Article.cluster_id)
         .where(Article.published_at >= start, Article.published_at < end,
                Classification.relevance.in_(PROVINCE_RELEVANCE), or_(foreign_outlet, foreign_language))
         .order_by(Article.published_at, Article.id).limit(MAX_FOREIGN))
    if keys:
        q = q.where(Classification.top_topic.in_(keys))
    return tuple(ForeignItem(title=title or NO_TITLE, outlet=outlet, country=country,
                             language=LANGUAGE_NAMES.get(lang or "", lang), story_id=sid,
                             url=story_url(base, sid) if sid is not None else url)
                 for title, url, lang, outlet, country, sid in session.execute(q))


def _count(session: Session, where: Iterable[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(Story).where(*where)) or 0)


def _queue(session: Session, day: date, now: datetime) -> QueueNumbers:
    start, end = day_range(day, day)
    responded = session.scalar(select(func.count(distinct(StoryEvent.story_id))).where(
        StoryEvent.to_state == "responded", StoryEvent.at >= start, StoryEvent.at < end)) or 0
    return QueueNumbers(open=_count(session, [Story.state.in_(OPEN_STATES)]),
                        overdue=_count(session, [overdue_clause(now)]), responded=int(responded))
