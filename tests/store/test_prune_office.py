"""Retention of the office's data (docs/principles.md, principle 3; bantin/store/prune_office.py): with rows of
every age, a prune keeps exactly the live sessions, the open stories, the closed stories whose coverage is
still stored or that are young, active tracking and recent checks; deletes a closed, aged story whose cluster
is gone with its history, notes, responses and tracking; leaves the audit rows of what happened; and a dry
run counts exactly what the real run then deletes. The foreign-key cascades work on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bantin.app.retention import run_prune
from bantin.app.settings import Settings, get_settings
from bantin.cli.db import db_app
from bantin.store import prune as prune_mod
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.office import (
    ResponseCase,
    Story,
    StoryEvent,
    StoryNote,
    TrackedOriginal,
    TrackingCheck,
    User,
    WebSession,
)
from bantin.store.schema import Article, AuditEvent, Cluster, Source
from bantin.store.types import utcnow

OFFICE = ("web_sessions", "stories", "story_events", "story_notes", "responses", "tracked_originals",
          "tracking_checks", "users", "audit_log", "articles", "clusters")
RETENTION = {"retention_days": 10, "fetch_log_days": 5, "frontier_days": 3, "audit_days": 20}

cli = typer.Typer()
cli.add_typer(db_app, name="db")


def ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)


def _article(s: Session, src: Source, name: str, age: float, now: datetime) -> tuple[Article, Cluster]:
    cluster = Cluster(size=1, created_at=ago(now, age))
    s.add(cluster)
    s.flush()
    a = Article(canonical_url=f"https://baonghean.vn/{name}.html", source_id=src.id, title=name,
                text=f"Nội dung {name} về tỉnh Nghệ An.", content_hash=name.ljust(64, "0")[:64],
                cluster_id=cluster.id, fetched_at=ago(now, age), published_at=ago(now, age))
    s.add(a)
    s.flush()
    cluster.origin_article_id = a.id
    return a, cluster


def _tracked(s: Session, story: Story, name: str, now: datetime, *, active: bool, created: float,
             checks: tuple[float, ...], article_id: int | None = None) -> None:
    last = min(checks) if checks else None
    row = TrackedOriginal(story_id=story.id, article_id=article_id, url=f"https://baonghean.vn/{name}.html",
                          baseline_text=f"bản gốc {name}", active=active, interval_s=21600,
                          created_at=ago(now, created), last_checked_at=None if last is None else ago(now, last))
    s.add(row)
    s.flush()
    s.add_all(TrackingCheck(tracked_id=row.id, at=ago(now, age), outcome="unchanged", text_hash=f"{name}-{age}")
              for age in checks)


def seed(s: Session, now: datetime) -> None:
    """Stories in every state and age, with and without their cluster; each with two history rows, a note,
    a response and an active tracked original checked yesterday; stray tracking of every age; sessions."""
    src, user = Source(name="Báo Nghệ An", home_url="https://baonghean.vn/"), User(name="reviewer", role="reviewer")
    s.add_all([src, user])
    s.flush()
    for i, expires in enumerate((-30, -1, 1 / 24)):  # expired a month ago, yesterday; live for an hour
        s.add(WebSession(token_hash=f"{i:064d}", user_id=user.id, csrf_token="c", expires_at=ago(now, -expires)))
    old_gone, g1 = _article(s, src, "bai-cu-1", 30, now)  # pruned in this run, with its cluster
    old_open, g2 = _article(s, src, "bai-cu-2", 30, now)
    young, k = _article(s, src, "bai-moi", 1, now)
    plan = [("responded-old-losing-cluster", "responded", 30, g1.id, old_gone.id),
            ("dismissed-old-no-cluster", "dismissed", 11, None, None),
            ("responded-young-no-cluster", "responded", 9, None, None),
            ("dismissed-old-cluster-kept", "dismissed", 30, k.id, young.id),
            ("new-old-losing-cluster", "new", 30, g2.id, old_open.id),
            ("triaged-old-no-cluster", "triaged", 30, None, None),
            ("assigned-old-no-cluster", "assigned", 30, None, None),
            ("responding-old-no-cluster", "responding", 30, None, None)]
    stories = {}
    for title, state, age, cluster_id, origin in plan:
        st = Story(title=title, state=state, cluster_id=cluster_id, origin_article_id=origin, entered_by="rule:x",
                   dismissed_reason="ngoài phạm vi" if state == "dismissed" else None,
                   owner_id=user.id if state in ("assigned", "responding") else None,
                   created_at=ago(now, 40), updated_at=ago(now, age))
        s.add(st)
        s.flush()
        stories[title] = st
        s.add_all([StoryEvent(story_id=st.id, actor="system", action="created", at=ago(now, 40)),
                   StoryEvent(story_id=st.id, actor="user:reviewer", action="state", to_state=state, at=ago(now, age)),
                   StoryNote(story_id=st.id, user_id=user.id, text="đã xem", created_at=ago(now, age)),
                   ResponseCase(story_id=st.id, kind="published", url="https://nghean.gov.vn/tra-loi",
                                created_at=ago(now, age))])
        _tracked(s, st, f"t-{title}", now, active=True, created=2, checks=(1,))
        for age_ in (1, 15, 25):  # the audit keeps what happened to the story; 25 days is past the audit's 20
            s.add(AuditEvent(actor="user:reviewer", action="story.state", target=f"story:{st.id}", at=ago(now, age_)))
    opened, triaged = stories["new-old-losing-cluster"], stories["triaged-old-no-cluster"]
    _tracked(s, opened, "A-active-old", now, active=True, created=30, checks=(1, 9, 11, 30), article_id=old_open.id)
    _tracked(s, stories["dismissed-old-no-cluster"], "B-stopped-old", now, active=False, created=20, checks=(11, 12))
    _tracked(s, opened, "C-stopped-young", now, active=False, created=20, checks=(9,))
    _tracked(s, triaged, "D-stopped-never-checked-old", now, active=False, created=30, checks=())
    _tracked(s, triaged, "E-stopped-never-checked-young", now, active=False, created=2, checks=())
    s.commit()


@pytest.fixture
def db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, Settings]]:
    monkeypatch.setattr(prune_mod, "PRUNE_BATCH", 2)  # several batches per table
    engine = make_engine(db_url)
    upgrade(engine)
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url, **RETENTION)  # type: ignore[arg-type]
    with session_factory(engine)() as s:
        seed(s, utcnow())
    monkeypatch.setenv("BANTIN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BANTIN_DATABASE_URL", db_url)
    for key, value in RETENTION.items():
        monkeypatch.setenv(f"BANTIN_{key.upper()}", str(value))
    get_settings.cache_clear()
    yield engine, settings
    get_settings.cache_clear()
    engine.dispose()


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in OFFICE}


def cli_table(output: str) -> dict[str, int]:
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 3 and cells[2].isdigit():
            rows[cells[0]] = int(cells[2])
    return rows


def test_prune_keeps_open_young_and_covered_stories_and_deletes_the_rest_with_their_children(
        db: tuple[Engine, Settings]) -> None:
    engine, settings = db
    before = counts(engine)
    with Session(engine) as s:
        doomed = {t: i for t, i in s.execute(select(Story.title, Story.id)).tuples()
                  if t in ("responded-old-losing-cluster", "dismissed-old-no-cluster")}
    dry = run_prune(settings, engine, dry_run=True)
    assert counts(engine) == before
    report = run_prune(settings, engine)
    after = counts(engine)
    assert {t: before[t] - after[t] for t in OFFICE} == {
        "web_sessions": 2,  # the two expired ones
        "stories": 2, "story_events": 4, "story_notes": 2, "responses": 2,
        "tracked_originals": 4,  # the two stories' own, B (stopped 11 days ago), D (stopped, never checked)
        "tracking_checks": 6,  # the two stories' own, A's 11- and 30-day-old ones, B's two
        "users": 0, "articles": 2, "clusters": 2,
        "audit_log": 8 - 2}  # 8 story rows past 20 days went; the run added its own two (start, result)
    assert {t: n for t, n in dry.deleted.items() if n} == {t: n for t, n in report.deleted.items() if n}
    with Session(engine) as s:
        assert set(s.scalars(select(Story.title))) == {
            "responded-young-no-cluster", "dismissed-old-cluster-kept", "new-old-losing-cluster",
            "triaged-old-no-cluster", "assigned-old-no-cluster", "responding-old-no-cluster"}
        opened = s.scalars(select(Story).where(Story.title == "new-old-losing-cluster")).one()
        assert (opened.state, opened.cluster_id, opened.origin_article_id) == ("new", None, None)
        assert s.scalar(select(func.count()).select_from(StoryEvent).where(StoryEvent.story_id == opened.id)) == 2
        tracked = {t.url.rsplit("/", 1)[1].removesuffix(".html"): t for t in s.scalars(select(TrackedOriginal))}
        assert set(tracked) == {"A-active-old", "C-stopped-young", "E-stopped-never-checked-young"} | {
            f"t-{title}" for title in ("responded-young-no-cluster", "dismissed-old-cluster-kept",
                                       "new-old-losing-cluster", "triaged-old-no-cluster",
                                       "assigned-old-no-cluster", "responding-old-no-cluster")}
        assert tracked["A-active-old"].article_id is None  # its article was pruned; the tracking goes on
        checks = {name: sorted(c.text_hash.split("-")[-1] for c in s.scalars(select(TrackingCheck).where(
            TrackingCheck.tracked_id == row.id))) for name, row in tracked.items()}
        assert checks["A-active-old"] == ["1", "9"] and checks["C-stopped-young"] == ["9"]
        assert [w.token_hash for w in s.scalars(select(WebSession))] == [f"{2:064d}"]
        kept_audit = s.scalars(select(AuditEvent.target).where(AuditEvent.target.in_(
            [f"story:{i}" for i in doomed.values()]))).all()
        assert sorted(kept_audit) == sorted([f"story:{i}" for i in doomed.values()] * 2)  # the 1- and 15-day rows
    assert run_prune(settings, engine).deleted.total() == 0  # a second run finds nothing more


def test_dry_run_table_lists_the_office_rows_a_real_run_deletes(db: tuple[Engine, Settings]) -> None:
    engine, _ = db
    before = counts(engine)
    dry = CliRunner().invoke(cli, ["db", "prune", "--dry-run"], env={"COLUMNS": "200"})
    assert dry.exit_code == 0, dry.output
    assert counts(engine) == before
    table = cli_table(dry.output)
    assert {t: table[t] for t in ("web_sessions", "stories", "story_events", "story_notes", "responses",
                                  "tracked_originals", "tracking_checks")} == {
        "web_sessions": 2, "stories": 2, "story_events": 4, "story_notes": 2, "responses": 2,
        "tracked_originals": 4, "tracking_checks": 6}
    real = CliRunner().invoke(cli, ["db", "prune"], env={"COLUMNS": "200"})
    assert real.exit_code == 0, real.output
    assert {t: n for t, n in cli_table(real.output).items() if t != "audit_log"} == {
        t: n for t, n in table.items() if t != "audit_log"}


def test_deleting_a_story_or_its_cluster_cascades_in_the_database(db: tuple[Engine, Settings]) -> None:
    """Other code (a merge, an admin's SQL) relies on the foreign keys: a story's rows go with it, and a
    deleted cluster leaves its story without one (not a dangling id)."""
    engine, _ = db
    with Session(engine) as s:
        story = s.scalars(select(Story).where(Story.title == "dismissed-old-no-cluster")).one()
        kept = s.scalars(select(Story).where(Story.title == "dismissed-old-cluster-kept")).one()
        sid, kid, cluster = story.id, kept.id, kept.cluster_id
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM stories WHERE id = :id"), {"id": sid})
        conn.execute(text("DELETE FROM articles WHERE cluster_id = :c"), {"c": cluster})
        conn.execute(text("DELETE FROM clusters WHERE id = :c"), {"c": cluster})
    with Session(engine) as s:
        for model in (StoryEvent, StoryNote, ResponseCase, TrackedOriginal):
            assert s.scalar(select(func.count()).select_from(model).where(model.story_id == sid)) == 0
        orphans = select(func.count()).select_from(TrackingCheck).where(
            ~select(TrackedOriginal.id).where(TrackedOriginal.id == TrackingCheck.tracked_id).exists())
        assert s.scalar(orphans) == 0
        assert s.get(Story, kid) is not None and s.get(Story, kid).cluster_id is None  # type: ignore[union-attr]
