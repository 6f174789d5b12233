"""Evaluating the alert rules against the database (issue #11): which stories, volumes and sources fire.

``evaluate_rules(ctx, now)`` runs every enabled rule once and returns the new alerts. Each alert is inserted
under its stable ``key`` (UNIQUE, ON CONFLICT DO NOTHING) and committed in ONE transaction with its outgoing
messages (``alerts.deliver``): running twice fires nothing new and sends nothing new.

Imports: ``queue`` (the home country, a story's copies, a saved search's filters as criteria), ``store`` (stories, articles, classifications, sources, the alert tables), ``delivery`` (through
``alerts.deliver``), ``sources`` (the feeds' health states and their thresholds), and the pure detector.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select, true
from sqlalchemy.orm import Session

from bantin.alerts.detector import BASELINE_WEEKS, detect
from bantin.alerts.explain import VIETNAM
from bantin.alerts.grid import STEP, build, floor_step
from bantin.alerts.rules import list_rules, topic_list
from bantin.app import audit
from bantin.app.context import AppContext
from bantin.queue.admission import HOME_COUNTRY, cluster_copies
from bantin.queue.rules import Criteria, one_copy_matches, search_criteria
from bantin.search.match import matching_clause, matching_ids
from bantin.sources.schedule import QUIET_AFTER
from bantin.store.alerting import AlertEvent, AlertRule
from bantin.store.db import dialect_insert
from bantin.store.office import SavedSearch, Story
from bantin.store.schema import Article, Classification, Feed, Source
from bantin.store.types import utcnow

# A rule's first run looks this far back: the stories of the last day, not the whole archive.
FIRST_RUN_LOOKBACK = timedelta(hours=24)
# Later runs look back to the previous run minus this: a story committed while the last run read is not
# missed (the alert key makes the overlap harmless).
OVERLAP = timedelta(minutes=10)
# A spike alert counts as new when it fired since the last run (minus one detector step), or within this on
# the first run.
SPIKE_FIRST_LOOKBACK = timedelta(hours=2)
# Alerts per rule and run at most: a first run on a busy day must not send hundreds of emails.
MAX_ALERTS_PER_RULE = 50
# Stories named in a spike alert's links.
MAX_SPIKE_STORIES = 10
# The office's language: copies in another one are foreign coverage too.
HOME_LANGUAGE = "vi"
# Rows read for one spike series: nine weeks of a province's coverage is a few tens of thousands.
MAX_SPIKE_ROWS = 500_000


@dataclass
class Candidate:
    key: str
    why: str
    fired_at: datetime
    story_ids: list[int] = field(default_factory=list)
    count: int | None = None
    expected: float | None = None
    series: str | None = None


@dataclass(frozen=True)
class Fired:
    """What fired, as the caller prints it (the row's values, readable after the session closed)."""

    id: int
    rule: str
    kind: str
    key: str
    why: str
    story_ids: tuple[int, ...]
    emails: int
    webhooks: int


def _since(rule: AlertRule, now: datetime, first: timedelta = FIRST_RUN_LOOKBACK) -> datetime:
    return rule.last_evaluated_at - OVERLAP if rule.last_evaluated_at else now - first


def _story_query(rule: AlertRule) -> Select[Any]:
    topics = topic_list(rule)
    query = select(Story).order_by(Story.id).limit(MAX_ALERTS_PER_RULE)
    return query.where(Story.topic.in_(topics)) if topics else query


def _title(story: Story) -> str:
    return (story.title or f"#{story.id}")[:200]


def _in_saved_search(s: Session, rule: AlertRule) -> Callable[[Story], bool]:
    """The rule's saved search narrows its stories as it narrows a queue rule's (the same test:
    queue.rules.one_copy_matches): one copy must match the search's filters (relevance, topic, source,
    language) and its full-text query (the search index answers, as in the search box: search/match.py)."""
    if rule.saved_search_id is None:
        return lambda story: True
    criteria, query = _saved_criteria(s, rule)

    def ok(story: Story) -> bool:
        copies = cluster_copies(s, [story.cluster_id]).get(story.cluster_id, []) if story.cluster_id else []
        hits = matching_ids(s, query, [c.article_id for c in copies]) if query else set()
        return one_copy_matches((criteria,), query, [c.facts() for c in copies], hits)
    return ok


def _saved_criteria(s: Session, rule: AlertRule) -> tuple[Criteria, str | None]:
    """The rule's saved search as criteria and its full-text query (none: match anything)."""
    if rule.saved_search_id is None:
        return Criteria(), None
    saved = s.execute(select(SavedSearch.filters, SavedSearch.query)
                      .where(SavedSearch.id == rule.saved_search_id)).first()
    query = saved.query if saved and saved.query and saved.query.strip() else None
    return search_criteria(saved.filters if saved else None), query


def _search_clauses(s: Session, rule: AlertRule) -> list[Any]:
    """The saved search as SQL over articles and their classification, for the volume rule's counts."""
    crit, query = _saved_criteria(s, rule)
    out: list[Any] = []
    for column, allowed in ((Classification.relevance, crit.relevance), (Classification.top_topic, crit.topics),
                            (Article.source_id, crit.source_ids), (Article.language, crit.languages)):
        if allowed:
            out.append(column.in_(sorted(allowed)))
    if query is not None:
        out.append(matching_clause(query, s.get_bind().dialect.name))
    return out


def new_primary_story(s: Session, rule: AlertRule, now: datetime) -> list[Candidate]:
    query = _story_query(rule).where(Story.relevance == "primary", Story.created_at >= _since(rule, now))
    ok = _in_saved_search(s, rule)
    return [Candidate(f"rule:{rule.id}:story:{st.id}", f"Tin mới nói chủ yếu về tỉnh: «{_title(st)}» "
                      f"({', '.join(json.loads(st.outlets or '[]'))})", now, [st.id])
            for st in s.scalars(query) if ok(st)]


def foreign_coverage(s: Session, rule: AlertRule, now: datetime) -> list[Candidate]:
    """Stories that gained a copy from a foreign outlet, or in another language, since the rule's last run: the
    copy's arrival (``articles.fetched_at``) is the event, so an officer's later change to an old story with a
    foreign copy fires nothing."""
    foreign_copy = or_(Source.country != HOME_COUNTRY, and_(Article.language.is_not(None),
                                                             Article.language != HOME_LANGUAGE))
    arrived = (select(Article.cluster_id).join(Source, Source.id == Article.source_id, isouter=True)
               .where(Article.fetched_at >= _since(rule, now), Article.cluster_id.is_not(None), foreign_copy))
    query = _story_query(rule).where(Story.cluster_id.in_(arrived))
    out, ok = [], _in_saved_search(s, rule)
    for st in s.scalars(query):
        if not ok(st):
            continue
        outlets = json.loads(st.outlets or "[]")
        foreign = list(s.scalars(select(Source.name).where(Source.name.in_(outlets),
                                                           Source.country != HOME_COUNTRY)))
        languages = [x for x in json.loads(st.languages or "[]") if x and x != HOME_LANGUAGE]
        if not foreign and not languages:
            continue
        by = ", ".join(foreign) or ", ".join(f"tiếng {x}" for x in languages)
        out.append(Candidate(f"rule:{rule.id}:story:{st.id}", f"Báo nước ngoài đưa tin ({by}): «{_title(st)}»",
                             now, [st.id]))
    return out


def volume_spike(s: Session, rule: AlertRule, now: datetime) -> list[Candidate]:
    """Counts per 10 minutes of the province's coverage (or the rule's topics) over the baseline's weeks,
    through the detector; the alerts fired since the last run, one per cool-down."""
    topics = topic_list(rule)
    series = ",".join(topics) or "tỉnh"
    start = now - timedelta(weeks=BASELINE_WEEKS + 1)
    coverage = and_(Classification.top_topic.in_(topics) if topics else
                    Classification.relevance.in_(("primary", "mention")), *_search_clauses(s, rule))
    query = (select(Article.published_at).join(Classification, Classification.article_id == Article.id)
             .where(Article.published_at >= start, Article.published_at < now, coverage).limit(MAX_SPIKE_ROWS))
    events = [(series, at) for at in s.scalars(query) if at is not None]
    if not events:
        return []
    end = floor_step(now)
    since = rule.last_evaluated_at - STEP if rule.last_evaluated_at else now - SPIKE_FIRST_LOOKBACK
    last = s.scalar(select(AlertEvent.fired_at).where(AlertEvent.rule_id == rule.id)
                    .order_by(AlertEvent.fired_at.desc()).limit(1))
    cooldown = timedelta(minutes=rule.cooldown_minutes)
    out = []
    for a in detect(build(events, end=end), until=end):
        if a.fired_at <= since or (last is not None and a.fired_at - last < cooldown):
            continue
        stories = list(s.scalars(select(Story.id).join(Article, Article.cluster_id == Story.cluster_id)
                                 .join(Classification, Classification.article_id == Article.id)
                                 .where(Article.published_at >= a.window_start, Article.published_at < a.fired_at,
                                        coverage).distinct().limit(MAX_SPIKE_STORIES)))
        out.append(Candidate(f"rule:{rule.id}:spike:{a.fired_at.astimezone(VIETNAM):%Y-%m-%dT%H:%M}", a.why,
                             a.fired_at, sorted(stories), a.count, a.expected, series))
        last = a.fired_at
    return out


def source_quiet(s: Session, rule: AlertRule, now: datetime) -> list[Candidate]:
    """Feeds the health roll-up (sources/schedule.py) calls dead or quiet: once per episode (the key carries
    the last success / last new item, so a feed that recovers and dies again fires again)."""
    sources = _saved_criteria(s, rule)[0].source_ids
    rows = s.execute(select(Feed, Source).join(Source, Source.id == Feed.source_id)
                     .where(Feed.enabled, Source.enabled, Feed.health.in_(("dead", "quiet")),
                            Source.id.in_(sorted(sources)) if sources else true())
                     .order_by(Feed.id).limit(MAX_ALERTS_PER_RULE))
    out = []
    for feed, source in rows:
        mark = feed.last_success_at if feed.health == "dead" else feed.last_new_item_at
        stamp = f"{mark.astimezone(VIETNAM):%Y-%m-%dT%H:%M}" if mark else "never"
        when = f"{mark.astimezone(VIETNAM):%H:%M %d/%m/%Y}" if mark else "khi được thêm"
        if feed.health == "dead":
            why = (f"Nguồn {source.name} không tải được từ {when} ({feed.consecutive_failures} lần lỗi liên tiếp): "
                   f"{feed.url}")
        else:
            why = (f"Nguồn {source.name} không có bài mới từ {when}, lâu hơn {QUIET_AFTER.days} ngày: {feed.url}")
        out.append(Candidate(f"rule:{rule.id}:feed:{feed.id}:{feed.health}:{stamp}", why, now,
                             series=source.name))
    return out


KINDS: dict[str, Callable[[Session, AlertRule, datetime], list[Candidate]]] = {
    "new_primary_story": new_primary_story, "foreign_coverage": foreign_coverage,
    "volume_spike": volume_spike, "source_quiet": source_quiet,
}


def _insert(s: Session, rule: AlertRule, c: Candidate) -> AlertEvent | None:
    table = AlertEvent.__table__
    stmt = (dialect_insert(s, table)
            .values(rule_id=rule.id, key=c.key, fired_at=c.fired_at, why=c.why, count=c.count,
                    expected=c.expected, story_ids=json.dumps(c.story_ids), series=c.series)
            .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id))
    new_id = s.execute(stmt).scalar()
    return None if new_id is None else s.get(AlertEvent, new_id)


def evaluate_rules(ctx: AppContext, now: datetime | None = None, *, actor: str = "system") -> list[Fired]:
    """Evaluate every enabled rule once; the alerts that fired now for the first time (with their messages
    queued in the same transaction). Principle 3 (docs/principles.md): an alert's messages carry the queue's
    stories out of the office, so each alert is audited (``alerts.fire``) in the transaction that queues them,
    committed before anything is sent."""
    from bantin.alerts.deliver import enqueue_alert

    now = now or utcnow()
    fired: list[Fired] = []
    with ctx.sessions() as s:
        rule_ids = [r.id for r in list_rules(s, enabled_only=True)]
    for rule_id in rule_ids:
        with ctx.sessions() as s:
            rule = s.get(AlertRule, rule_id)
            if rule is None:
                continue
            for c in KINDS[rule.kind](s, rule, now):
                alert = _insert(s, rule, c)
                if alert is not None:
                    emails, hooks = enqueue_alert(s, rule, alert, ctx.settings, now)
                    audit.record(s, actor, "alerts.fire", audit_target=f"alert:{alert.id}", rule=rule.name,
                                 key=alert.key, story_ids=json.loads(alert.story_ids), emails=emails, webhooks=hooks)
                    fired.append(Fired(alert.id, rule.name, rule.kind, alert.key, alert.why,
                                       tuple(json.loads(alert.story_ids)), emails, hooks))
                s.commit()  # the alert and its messages together, or neither
                rule = s.get(AlertRule, rule_id)
                assert rule is not None
            rule.last_evaluated_at = now
            s.commit()
    return fired
