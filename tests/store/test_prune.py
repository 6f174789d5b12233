"""Retention (docs/principles.md, principle 3): a database with rows of every age in every table keeps exactly
what the settings say; frozen-evaluation articles keep their labels; the audit log loses only rows past its
own retention; ``bantin db prune --dry-run`` deletes nothing and announces what a real run then deletes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bantin.app.retention import PruneRefused, run_prune
from bantin.app.settings import Settings, get_settings
from bantin.classify.labels import article_text
from bantin.classify.registry.evalset import freeze_eval
from bantin.cli.db import db_app
from bantin.search.index import index_articles
from bantin.store import prune as prune_mod
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.schema import (
    Article,
    ArticleBand,
    ArticleURL,
    AuditEvent,
    Classification,
    Cluster,
    FetchLog,
    FrontierItem,
    Label,
    Source,
)
from bantin.store.types import utcnow

TABLES = ("articles", "article_urls", "article_bands", "article_search", "labels", "classifications", "clusters", "frontier",
          "fetch_log", "audit_log", "article_notes")
RETENTION = {"retention_days": 10, "fetch_log_days": 5, "frontier_days": 3, "audit_days": 20}
FROZEN_TITLE = "Lễ hội Làng Sen đón 10 vạn du khách"

cli = typer.Typer()
cli.add_typer(db_app, name="db")


def ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)


def seed(s: Session, now: datetime) -> None:
    """Articles aged 0, 9, 11 and 30 days and a frozen-eval one aged 30, each with two URLs, a label, a
    classification and a row in a table a later migration added (``article_notes``); clusters that keep a
    member, lose all members, or were merged (size 0); frontier, fetch-log and audit rows of every age."""
    src = Source(name="Báo Nghệ An", home_url="https://baonghean.vn/")
    s.add(src)
    clusters = {k: Cluster(size=n, created_at=ago(now, 40)) for k, n in
                {"mixed": 2, "old": 2, "merged": 0, "young": 1, "frozen": 1}.items()}
    s.add_all(clusters.values())
    s.flush()
    plan = [("hôm nay", 0, "mixed"), ("chín ngày", 9, "young"), ("mười một ngày", 11, "mixed"),
            ("mười một ngày cũ", 11, "old"), ("ba mươi ngày", 30, "old"), (FROZEN_TITLE, 30, "frozen")]
    for i, (title, age, cluster) in enumerate(plan):
        a = Article(canonical_url=f"https://baonghean.vn/bai-{i}.html", source_id=src.id, title=title,
                    text=f"{title}. Nội dung bài {i} về tỉnh Nghệ An.", content_hash=f"{i:064d}",
                    cluster_id=clusters[cluster].id, fetched_at=ago(now, age), published_at=ago(now, age))
        s.add(a)
        s.flush()
        if clusters[cluster].origin_article_id is None or age > 10:
            clusters[cluster].origin_article_id = a.id
        s.add_all([ArticleURL(url=a.canonical_url, article_id=a.id),
                   ArticleURL(url=a.canonical_url + "?utm_source=fb", article_id=a.id),
                   ArticleBand(article_id=a.id, key=a.id), ArticleBand(article_id=a.id, key=7),
                   Label(article_id=a.id, kind="topic", value="du_lich", labeller="cli:analyst"),
                   Classification(article_id=a.id, topics="{}", relevance="primary", relevance_score=0.9,
                                  province="Nghệ An", places="[]")])
        s.execute(text("INSERT INTO article_notes (article_id, note) VALUES (:a, 'x')"), {"a": a.id})
        index_articles(s, [a])
    s.flush()
    eleven = s.scalar(select(Article.id).where(Article.title == "mười một ngày"))
    frontier = [("done", 1, None, None), ("done", 4, None, None), ("failed", 4, None, None),
                ("pending", None, None, None), ("done", 2, eleven, None)]
    for i, (state, done_age, article_id, _) in enumerate(frontier):
        s.add(FrontierItem(url=f"https://baonghean.vn/f-{i}.html", state=state, article_id=article_id,
                           discovered_at=ago(now, 40), done_at=None if done_age is None else ago(now, done_age)))
    for age in (1, 4, 6, 50):
        s.add(FetchLog(url="https://baonghean.vn/rss/home.rss", kind="feed", outcome="ok", at=ago(now, age)))
    for age in (1, 19, 21, 100):
        s.add(AuditEvent(actor="cli:analyst", action="articles.export", detail=f'{{"age": {age}}}', at=ago(now, age)))
    s.commit()


@pytest.fixture
def db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, Settings]]:
    monkeypatch.setattr(prune_mod, "PRUNE_BATCH", 2)  # several batches per table
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:  # a table linked to articles that this code does not know (like article_bands)
        conn.execute(text("CREATE TABLE article_notes ("
                          "article_id BIGINT NOT NULL REFERENCES articles(id), note TEXT)"))
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url, **RETENTION)  # type: ignore[arg-type]
    with session_factory(engine)() as s:
        seed(s, utcnow())
    with session_factory(engine)() as s:
        frozen = s.scalars(select(Article).where(Article.title == FROZEN_TITLE)).one()
    freeze_eval(settings.models_dir, "topics", [(article_text(frozen.title, frozen.text), "du_lich"),
                                               ("Một văn bản khác không có trong kho.", "kinh_te")],
                source="labels.jsonl", actor="cli:analyst")
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
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def cli_table(output: str) -> dict[str, int]:
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 3 and cells[2].isdigit():
            rows[cells[0]] = int(cells[2])
    return rows


def test_prune_keeps_exactly_what_the_settings_say(db: tuple[Engine, Settings]) -> None:
    engine, settings = db
    before = counts(engine)
    dry = CliRunner().invoke(cli, ["db", "prune", "--dry-run"], env={"COLUMNS": "200"})
    assert dry.exit_code == 0, dry.output
    assert counts(engine) == before  # nothing deleted, not even an audit row added
    report = run_prune(settings, engine)
    after = counts(engine)
    # 3 articles past 10 days go (the frozen one stays), each with 2 URLs, a label, a classification, a note
    assert {t: before[t] - after[t] for t in TABLES} == {
        "articles": 3, "article_urls": 6, "article_bands": 6, "article_search": 3, "labels": 3, "classifications": 3, "article_notes": 3,
        "clusters": 2,  # "old" lost every member, "merged" had size 0
        "frontier": 2, "fetch_log": 2,
        "audit_log": 0}  # the 2 rows past 20 days went, and the run added its own 2 (start, result)
    assert cli_table(dry.output) == {**{t: before[t] - after[t] for t in TABLES if t != "audit_log"},
                                     "audit_log": 2}
    assert report.kept_frozen == 1
    with Session(engine) as s:
        assert set(s.scalars(select(Article.title))) == {"hôm nay", "chín ngày", FROZEN_TITLE}
        frozen = s.scalars(select(Article).where(Article.title == FROZEN_TITLE)).one()
        assert [lab.value for lab in s.scalars(select(Label).where(Label.article_id == frozen.id))] == ["du_lich"]
        mixed = s.scalars(select(Cluster).join(Article, Article.cluster_id == Cluster.id)
                          .where(Article.title == "hôm nay")).one()
        assert (mixed.size, mixed.origin_article_id) == (1, None)  # recounted; its old origin is gone
        assert s.scalar(select(func.count()).select_from(FrontierItem).where(FrontierItem.state == "pending")) == 1
        assert s.scalar(select(func.count()).select_from(FrontierItem).where(FrontierItem.done_at.is_not(None),
                                                                             FrontierItem.article_id.is_(None))) >= 1
        ages = sorted(json.loads(e.detail)["age"] for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "articles.export")))
        assert ages == [1, 19]  # untouched, only rows past 20 days went
        run = json.loads(s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "db.prune")).one())
    assert run["deleted"]["articles"] == 3 and run["deleted"]["audit_log"] == 2 and run["kept_frozen_eval"] == 1
    assert run_prune(settings, engine).deleted.total() == 0  # a second run finds nothing more


def test_a_changed_frozen_set_stops_pruning_with_a_one_line_error(db: tuple[Engine, Settings]) -> None:
    engine, settings = db
    rows_file = next((settings.models_dir / "topics").glob("eval-*.jsonl"))
    rows_file.write_text(rows_file.read_text(encoding="utf-8").replace("kinh_te", "the_thao"), encoding="utf-8")
    before = counts(engine)
    with pytest.raises(PruneRefused, match="changed since it was frozen"):
        run_prune(settings, engine)
    result = CliRunner().invoke(cli, ["db", "prune"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not pruned" in result.output.replace("\n", " ")
    assert counts(engine) == before


def test_bad_retention_setting_is_one_line_naming_the_variable(db: tuple[Engine, Settings],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANTIN_AUDIT_DAYS", "4")
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["db", "prune"])
    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert "BANTIN_AUDIT_DAYS=4" in result.output


def test_crawl_job_prunes_once_per_interval_and_counts_what_it_deleted(db: tuple[Engine, Settings]) -> None:
    from bantin.app.retention import prune_job
    from bantin.app.stats import CounterStats
    from bantin.store.schema import ArticleBand

    engine, settings = db
    now = [0.0]
    stats = CounterStats()
    tick = prune_job(settings, engine, stats, 3600.0, clock=lambda: now[0])
    tick()
    assert stats.get_value("prune/deleted/articles") == 3 and stats.get_value("prune/runs") == 1
    with Session(engine) as s:
        live = set(s.scalars(select(Article.id)))
        banded = set(s.scalars(select(ArticleBand.article_id)))
    assert banded <= live  # the shared near-duplicate lookup forgets pruned articles with them
    now[0] = 3599.0
    tick()
    assert stats.get_value("prune/runs") == 1  # not again within the interval
    now[0] = 3601.0
    tick()
    assert stats.get_value("prune/runs") == 2 and stats.get_value("prune/deleted/articles") == 3


def test_the_schema_is_reflected_once_per_engine_and_again_after_a_migration(db: tuple[Engine, Settings]) -> None:
    engine, _ = db
    first = prune_mod._reflected(engine)
    assert prune_mod._reflected(engine) is first  # a daily run reuses it, so no new copy of every statement is cached
    with engine.begin() as conn:  # a migration while the process runs: a new table that references articles
        conn.execute(text("CREATE TABLE article_tags (article_id BIGINT NOT NULL REFERENCES articles(id), tag TEXT)"))
        conn.execute(text("INSERT INTO article_tags (article_id, tag) SELECT id, 'du lịch' FROM articles"))
    assert "article_tags" in prune_mod._reflected(engine).tables
    policy = prune_mod.RetentionPolicy(articles_days=1, fetch_log_days=1, frontier_days=1, audit_days=1000)
    prune_mod.Pruner(engine, policy, now=utcnow() + timedelta(days=60)).run()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM article_tags")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar_one() == 0
