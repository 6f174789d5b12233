"""The coverage rollup (``coverage_days``, migration 0008_coverage_days) stays equal to the articles counted
directly, whatever writes them: the crawler's ingest, archive import, classification and re-classification,
moved articles, deleted classifications, articles and outlets, ``bantin db prune``, the migration's
back-fill and bench/build_db.py's bulk copy; and the reports it feeds equal the reports grouped from the
articles (tests/reports/direct.py), for every grouping and relevance."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import typer
from sqlalchemy import case, delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bantin.app.context import AppContext
from bantin.app.settings import get_settings
from bantin.app.stats import CounterStats
from bantin.classify.service import reclassify_stored, upsert_classifications
from bantin.ingest.importer import import_rows
from bantin.ingest.rows import parse_row
from bantin.reports import coverage, domestic_foreign
from bantin.reports.coverage import BY_VALUES, RELEVANCE_VALUES
from bantin.reports.days import as_date
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.rollup import CoverageDay
from bantin.store.schema import Article, Classification, Source
from tests.queue.newsroom import BRIDGE, FLOOD, INDUSTRY, RATES, T0, Newsroom
from tests.reports import direct

# Every day the tests write lies in 2026: one report range (365 days) sees them all.
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
TOPICS = (None, "tourism", "disaster", "investment")
RELEVANCES = ("primary", "mention", "none")
LANGUAGES = ("vi", "en", None)
# Outlets of the direct inserts (name, country, language): the domestic/foreign rule's every branch.
OUTLETS = (("Tuổi Trẻ", "VN", "vi"), ("Reuters", "GB", "en"), ("Cổng xã", None, "vi"), ("Blog", None, "en"))
RETENTION_DAYS = 30
STEPS = 60
NOW = datetime.now(UTC)


def rollup(s: Session) -> dict[tuple[Any, ...], int]:
    """The rollup's non-empty keys."""
    cd = CoverageDay
    rows = s.execute(select(cd.day, cd.relevance, cd.top_topic, cd.source_id, cd.language, cd.n).where(cd.n != 0))
    return {(as_date(d), r, t, src, lang): n for d, r, t, src, lang, n in rows}


def assert_rollup_is_right(s: Session) -> dict[tuple[Any, ...], int]:
    counts = rollup(s)
    assert counts == direct.rollup_key_counts(s)
    for relevance in RELEVANCE_VALUES:
        for by in BY_VALUES:
            assert coverage(s, *YEAR, by=by, relevance=relevance) == direct.coverage(s, *YEAR, by, relevance), (
                by, relevance)
        assert domestic_foreign(s, *YEAR, relevance) == direct.domestic_foreign(s, *YEAR, relevance), relevance
    return counts


def moment(rng: random.Random) -> datetime | None:
    """A publication time in 2026, often right at a Vietnamese midnight (17:00 UTC), sometimes none."""
    if rng.random() < 0.1:
        return None
    day = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=rng.randrange(6))
    return day + rng.choice([timedelta(hours=16, minutes=59, seconds=59), timedelta(hours=17), timedelta(hours=3)])


@dataclass
class Stub:
    """A classifier for ``reclassify_stored``: random topics and relevance, a new province each run (so
    every stored row is redone, as after a promotion)."""

    rng: random.Random
    province: str
    topic_version_id: int | None = None
    relevance_version_id: int | None = None

    def classify(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            topic = self.rng.choice(TOPICS)
            out.append({"topics": {topic: 0.9} if topic else {}, "language": row["language"],
                        "province": {"relevance": self.rng.choice(RELEVANCES), "score": 0.5, "places": []}})
        return out


class World:
    """A database written to at random through every path that writes articles or classifications."""

    def __init__(self, app: AppContext, seed: int) -> None:
        self.app, self.rng, self.n = app, random.Random(seed), 0
        self.sessions: sessionmaker[Session] = app.sessions
        self.news = Newsroom(app)
        with self.sessions() as s:
            srcs = [Source(name=name, country=country, language=lang) for name, country, lang in OUTLETS]
            s.add_all(srcs)
            s.commit()
            self.outlets = [src.id for src in srcs]

    def article_ids(self) -> list[int]:
        with self.sessions() as s:
            return list(s.scalars(select(Article.id).order_by(Article.id)))

    def pick(self) -> int | None:
        ids = self.article_ids()
        return self.rng.choice(ids) if ids else None

    def insert(self) -> None:
        rng, self.n = self.rng, self.n + 1
        with self.sessions() as s:
            a = Article(canonical_url=f"https://x.test/{self.n}", source_id=rng.choice([*self.outlets, None]),
                        text=f"Bài {self.n}", published_at=moment(rng), language=rng.choice(LANGUAGES),
                        content_hash=f"{self.n:064d}", fetched_at=NOW - timedelta(days=rng.choice([1, 40])))
            s.add(a)
            s.flush()
            if rng.random() < 0.6:
                s.add(Classification(article_id=a.id, topics="{}", top_topic=rng.choice(TOPICS),
                                     relevance=rng.choice(RELEVANCES), relevance_score=0.5, province="Nghệ An",
                                     places="[]"))
            s.commit()

    def ingest(self) -> None:
        self.n += 1
        outlet = self.rng.choice(["Báo Thử", "Báo Khác", "Foreign Daily"])
        body = self.rng.choice([BRIDGE, FLOOD, INDUSTRY, RATES]) + f". Bài viết số {self.n} của phóng viên thường trú"
        self.news.publish(outlet, f"tin-{self.n}", f"Tin số {self.n}", body, moment(self.rng) or T0)

    def import_archive(self) -> None:
        self.n += 1
        line = json.dumps({"url": f"https://kho.example.test/bai-{self.n}.html", "source": "Kho lưu trữ",
                           "title": f"Bài lưu trữ {self.n}", "text": FLOOD + f" Bài số {self.n}.",
                           "published": "2026-03-02T23:30:00+07:00"}, ensure_ascii=False).encode()
        report = import_rows(self.sessions, [parse_row(1, line, None)], CounterStats())
        assert report.new == 1

    def classify(self) -> None:
        self.news.classify()

    def reclassify(self) -> None:
        reclassify_stored(self.sessions, Stub(self.rng, f"Tỉnh {self.n}"))  # type: ignore[arg-type]

    def retopic(self) -> None:
        with self.sessions() as s:
            ids = list(s.scalars(select(Classification.article_id)))
            if ids:
                aid = self.rng.choice(ids)
                upsert_classifications(s, [{"article_id": aid, "topics": "{}", "top_topic": self.rng.choice(TOPICS),
                                            "relevance": self.rng.choice(RELEVANCES), "relevance_score": 0.1,
                                            "province": "Nghệ An", "places": "[]", "language": "vi"}])
                s.commit()

    def move(self) -> None:
        aid, rng = self.pick(), self.rng
        if aid is None:
            return
        change = rng.choice([{"source_id": rng.choice([*self.outlets, None])}, {"published_at": moment(rng)},
                             {"language": rng.choice(LANGUAGES)},
                             {"source_id": rng.choice(self.outlets), "language": "en", "published_at": moment(rng)}])
        with self.sessions() as s:
            s.execute(update(Article).where(Article.id == aid).values(**change))
            s.commit()

    def unclassify(self) -> None:
        aid = self.pick()
        with self.sessions() as s:
            s.execute(delete(Classification).where(Classification.article_id == aid))
            s.commit()

    def delete_article(self) -> None:
        aid = self.pick()
        with self.sessions() as s:
            s.execute(delete(Article).where(Article.id == aid))  # its children go by ON DELETE CASCADE
            s.commit()

    def change_outlet(self) -> None:
        with self.sessions() as s:
            src = s.get(Source, self.rng.choice(self.outlets))
            if src is not None and self.rng.random() < 0.5:
                src.country = self.rng.choice(["VN", "US", None])  # read when the report runs: no rollup change
            elif src is not None:
                s.delete(src)  # its articles keep no outlet (ON DELETE SET NULL: an update of each)
                self.outlets.remove(src.id)
            s.commit()
        if not self.outlets:
            with self.sessions() as s:
                src = Source(name=f"Báo mới {self.n}", country="VN", language="vi")
                s.add(src)
                s.commit()
                self.outlets.append(src.id)

    def prune(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from bantin.cli.db import db_app

        cli = typer.Typer()
        cli.add_typer(db_app, name="db")
        monkeypatch.setenv("BANTIN_DATABASE_URL", self.app.settings.resolved_database_url)
        monkeypatch.setenv("BANTIN_DATA_DIR", str(self.app.settings.data_dir))
        monkeypatch.setenv("BANTIN_RETENTION_DAYS", str(RETENTION_DAYS))
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["db", "prune"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("seed", [1, 2])
def test_the_rollup_equals_the_articles_after_any_sequence_of_writes(app: AppContext, seed: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    world = World(app, seed)
    steps = ([world.insert] * 6 + [world.ingest, world.import_archive, world.classify, world.reclassify]
             + [world.retopic, world.move, world.move, world.unclassify, world.delete_article, world.change_outlet])
    for _ in range(8):
        world.insert()
    world.ingest()
    keys: set[tuple[Any, ...]] = set()
    for i in range(STEPS):
        step = world.rng.choice(steps)
        step()
        if i % 10 == 9:
            with app.sessions() as s:
                keys |= set(assert_rollup_is_right(s))
    with app.sessions() as s:
        before = len(s.scalars(select(Article.id)).all())
    world.prune(monkeypatch)
    with app.sessions() as s:
        assert len(s.scalars(select(Article.id)).all()) < before  # the 40-day-old inserts went
        keys |= set(assert_rollup_is_right(s))
    assert {k[1] for k in keys} == {"", *RELEVANCES} and 0 in {k[3] for k in keys}  # every kind of key was seen


def test_an_article_deleted_with_its_classification_leaves_no_count(app: AppContext) -> None:
    t = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # 2 March in Vietnam
    with app.sessions() as s:
        a = Article(canonical_url="https://x.test/1", text="x", published_at=t, language="vi", content_hash="1" * 64)
        s.add(a)
        s.flush()
        s.add(Classification(article_id=a.id, topics="{}", top_topic="disaster", relevance="primary",
                             relevance_score=1.0, province="Nghệ An", places="[]"))
        s.commit()
        assert rollup(s) == {(date(2026, 3, 2), "primary", "disaster", 0, "vi"): 1}
        s.execute(delete(Article).where(Article.id == a.id))
        s.commit()
        assert rollup(s) == {}
        assert coverage(s, *YEAR, relevance="all") == []


def _random_rows(s: Session, rng: random.Random, count: int) -> None:
    """Articles at 0007 (before the rollup), as core inserts: the model's rollup table is not there yet."""
    for i, (name, country, lang) in enumerate(OUTLETS, 1):
        s.execute(text("INSERT INTO sources (id, name, kind, country, language, enabled, poll_interval_s, health, "
                       "consecutive_failures, created_at) VALUES (:i, :n, 'feed', :c, :l, :t, 900, 'new', 0, :now)"),
                  {"i": i, "n": name, "c": country, "l": lang, "t": True, "now": NOW.replace(tzinfo=None)})
    for i in range(1, count + 1):
        s.execute(Article.__table__.insert().values(
            id=i, canonical_url=f"https://x.test/{i}", source_id=rng.choice([1, 2, 3, 4, None]), text="x",
            published_at=moment(rng), language=rng.choice(LANGUAGES), content_hash=f"{i:064d}", fetched_at=NOW))
        if rng.random() < 0.7:
            s.execute(Classification.__table__.insert().values(
                article_id=i, topics="{}", top_topic=rng.choice(TOPICS), relevance=rng.choice(RELEVANCES),
                relevance_score=0.5, province="Nghệ An", places="[]", classified_at=NOW))


def test_the_migration_back_fills_the_rollup_from_the_stored_articles(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0007_search")
    with Session(engine) as s:
        _random_rows(s, random.Random(7), 120)
        s.commit()
    upgrade(engine)
    with session_factory(engine)() as s:
        assert sum(rollup(s).values()) == len(s.scalars(select(Article.id).where(Article.published_at.is_not(None))).all())
        assert_rollup_is_right(s)
        # and from then on the triggers keep it
        s.execute(delete(Classification).where(Classification.article_id <= 10))
        s.execute(update(Article).where(Article.id.between(11, 30)).values(source_id=2, language="en"))
        s.execute(delete(Article).where(Article.id.between(31, 50)))
        s.commit()
        assert_rollup_is_right(s)
    engine.dispose()


def test_the_bench_databases_bulk_copy_keeps_the_rollup_right(db_url: str) -> None:
    from tests.reports.test_build_db import _module, _real_set

    bd = _module()
    _real_set(db_url)  # three articles through the ORM
    engine = make_engine(db_url)
    with session_factory(engine)() as s:  # one of them not classified yet: it is copied unclassified
        s.execute(delete(Classification).where(Classification.article_id == s.scalar(select(Article.id).limit(1))))
        s.commit()
    bd.replicate(db_url, 8)  # INSERT ... SELECT with foreign keys off (SQLite) or replica role (PostgreSQL)
    with session_factory(engine)() as s:
        assert sum(rollup(s).values()) == 8
        assert_rollup_is_right(s)
    bd.replicate(db_url, 11)  # a re-run deletes the copies first, then copies again
    with session_factory(engine)() as s:
        assert sum(rollup(s).values()) == 11
        assert_rollup_is_right(s)
    engine.dispose()



# Articles of the bulk test: half on one key (the rows PostgreSQL's statement triggers sum into one upsert),
# half spread over every kind of key.
BULK = 240
ONE_DAY = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def _bulk_articles(rng: random.Random, outlets: list[int]) -> list[dict[str, Any]]:
    def hot(i: int) -> bool:
        return i < BULK // 2

    return [{"canonical_url": f"https://bulk.test/{i}", "text": "x", "content_hash": f"{i:064d}",
             "source_id": outlets[0] if hot(i) else rng.choice([*outlets, None]),
             "published_at": ONE_DAY if hot(i) else moment(rng), "language": "vi" if hot(i) else rng.choice(LANGUAGES),
             "fetched_at": NOW - timedelta(days=rng.choice([1, 40]))} for i in range(BULK)]


def _classification(rng: random.Random, aid: int, *, hot: bool) -> dict[str, Any]:
    return {"article_id": aid, "topics": "{}", "top_topic": "tourism" if hot else rng.choice(TOPICS),
            "relevance": "primary" if hot else rng.choice(RELEVANCES), "relevance_score": 0.5,
            "province": "Nghệ An", "places": "[]", "language": "vi"}


@pytest.mark.parametrize("one_statement", [True, False], ids=["one-statement", "row-by-row"])
def test_the_rollup_equals_the_articles_after_writes_of_many_rows_at_once_or_one_by_one(
        app: AppContext, one_statement: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    world, rng = World(app, 3), random.Random(3)
    outlets = world.outlets

    def each(rows: list[Any], write: Callable[[Session, list[Any]], Any]) -> None:
        """``write`` all ``rows`` in one statement, or one statement a row (one transaction either way)."""
        with app.sessions() as s:
            for part in ([rows] if one_statement else [[r] for r in rows]):
                write(s, part)
            s.commit()
            assert_rollup_is_right(s)

    art, cls = Article.__table__, Classification.__table__
    each(_bulk_articles(rng, outlets), lambda s, rs: s.execute(art.insert().values(rs)))
    with app.sessions() as s:
        ids = list(s.scalars(select(Article.id).order_by(Article.id)))
    classified = [aid for i, aid in enumerate(ids) if i % 7 != 3]
    unclassified = [aid for i, aid in enumerate(ids) if i % 7 == 3]
    each([_classification(rng, aid, hot=aid in ids[:BULK // 2]) for aid in classified],
         lambda s, cs: s.execute(cls.insert().values(cs)))
    with app.sessions() as s:
        assert max(rollup(s).values()) >= BULK // 3  # one key holds many articles

    # re-classification (an upsert: new rows and replaced ones), topics changed, articles moved to another
    # day, outlet and language, another column changed (nothing moves), classifications moved to other articles
    each([_classification(rng, aid, hot=False) for aid in ids[::3]], upsert_classifications)
    each(classified[::2], lambda s, aids: s.execute(
        update(Classification).where(Classification.article_id.in_(aids)).values(top_topic="disaster")))
    moved = {"published_at": datetime(2026, 3, 4, 17, 0, tzinfo=UTC), "source_id": outlets[1], "language": "en"}
    each(ids[1::4], lambda s, aids: s.execute(update(Article).where(Article.id.in_(aids)).values(**moved)))
    each(ids[::5], lambda s, aids: s.execute(update(Article).where(Article.id.in_(aids)).values(title="Tin mới")))
    still_unclassified = [b for b in unclassified if b not in ids[::3]]
    pairs = list(zip(classified, still_unclassified, strict=False))[:10]
    each(pairs, lambda s, ps: s.execute(update(Classification).where(Classification.article_id.in_([a for a, _ in ps]))
                                        .values(article_id=case(dict(ps), value=Classification.article_id))))

    # deletes: classifications alone, articles with theirs (the cascade), then retention's pruning
    each(ids[2::6], lambda s, aids: s.execute(delete(Classification).where(Classification.article_id.in_(aids))))
    each(ids[::4], lambda s, aids: s.execute(delete(Article).where(Article.id.in_(aids))))
    world.prune(monkeypatch)
    with app.sessions() as s:
        left = len(s.scalars(select(Article.id)).all())
        assert 0 < left < BULK * 3 // 4 - 10  # the 40-day-old articles went, the 1-day-old ones stay
        assert sum(assert_rollup_is_right(s).values()) > 0


def test_the_rollup_stays_right_across_the_statement_trigger_migration_and_back(db_url: str) -> None:
    from alembic import command

    from bantin.store.migrate import alembic_config

    engine, rng = make_engine(db_url), random.Random(11)
    upgrade(engine, "0011_audit_action_index")  # 0008's row triggers
    with Session(engine) as s:
        _random_rows(s, rng, 60)
        s.commit()
    for step in (lambda: upgrade(engine), lambda: command.downgrade(alembic_config(engine), "0011_audit_action_index"),
                 lambda: upgrade(engine)):
        step()
        with session_factory(engine)() as s:
            assert_rollup_is_right(s)
            s.execute(update(Classification).where(Classification.article_id % 3 == 0).values(top_topic="disaster"))
            s.execute(delete(Article).where(Article.id.in_(rng.sample(range(1, 61), 5))))
            s.commit()
            assert_rollup_is_right(s)
    engine.dispose()
