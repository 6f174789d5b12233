"""The near-duplicate lookup is the database's (article_bands): crawlers sharing one database (SQLite and
PostgreSQL) find each other's syndicated copies, and a restart loads nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from bantin.app.stats import CounterStats
from bantin.dedup.index import BANDS
from bantin.dedup.minhash import NUM_PERM, signature, signature_to_bytes
from bantin.ingest.core import CrawlCore, Fetched
from bantin.ingest.neardup import add_bands, near_duplicates
from bantin.sources.registry import SourceSpec, upsert
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.schema import Article, ArticleBand, Cluster
from tests import pagefactory as pf
from tests.ingest.test_pipeline import _fetched

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
LATER = datetime.now(UTC) + timedelta(days=2)
# Articles stored before the lookup's plan is read: 32k band rows, a plan chosen on statistics.
PLAN_ARTICLES = 500
FEED_A, FEED_B = "http://a.example.test/rss.rss", "http://b.example.test/rss.rss"


def _new_core(db_url: str) -> CrawlCore:
    """A crawler process of its own: its own engine, connections and stats."""
    return CrawlCore(session_factory(make_engine(db_url)), CounterStats())


@pytest.fixture
def db(db_url: str) -> str:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        upsert(s, SourceSpec(name="Báo A", feeds=(FEED_A,), home_url="http://a.example.test/", language="vi"))
        upsert(s, SourceSpec(name="Báo B", feeds=(FEED_B,), home_url="http://b.example.test/", language="vi"))
        s.commit()
    engine.dispose()
    return db_url


def _store(core: CrawlCore, feed: str, url: str, title: str, body: str, published: datetime):  # type: ignore[no-untyped-def]
    ftask = next(t for t in core.due_feeds(LATER) if t.url == feed)
    [task] = core.feed_fetched(ftask, Fetched(feed, feed, 200, {"content-type": "application/rss+xml"},
                                              pf.rss([(title, url, published)])))
    return _fetched(core, task, Fetched(url, url, 200, {"content-type": "text/html; charset=utf-8"},
                                        pf.page(title, body, url, published)))


def _copy_of(body: str) -> str:
    paras = body.split(". ")
    return ". ".join(paras[: int(len(paras) * 0.85)]) + ". Theo Báo A"


def test_two_crawlers_on_one_database_see_each_others_near_duplicates(db: str) -> None:
    # both started before anything was stored: a private index loaded at start would be empty in both
    first, second = _new_core(db), _new_core(db)
    body = pf.texts(2)[0]
    orig = _store(first, FEED_A, "http://a.example.test/goc.html", "Gốc", body, T0)
    copy = _store(second, FEED_B, "http://b.example.test/dang-lai.html", "Tiêu đề khác", _copy_of(body),
                  T0 + timedelta(hours=2))
    assert orig is not None and copy is not None and copy.outcome == "new"
    assert copy.cluster_id == orig.cluster_id
    assert second.stats.get_value("dedup/near_dup") == 1
    assert second.stats.get_value("dedup/lsh_candidates") >= 1
    with second.sessions() as s:
        cluster = s.get(Cluster, orig.cluster_id)
        assert cluster is not None and cluster.size == 2 and cluster.origin_article_id == orig.article_id


def test_a_restarted_crawler_loads_no_index_and_still_finds_copies(db: str) -> None:
    body = pf.texts(3)[1]
    orig = _store(_new_core(db), FEED_A, "http://a.example.test/goc.html", "Gốc", body, T0)
    engine = make_engine(db)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    restarted = CrawlCore(session_factory(engine), CounterStats())
    assert statements == []  # start-up reads nothing, however large the archive
    copy = _store(restarted, FEED_B, "http://b.example.test/x.html", "Khác", _copy_of(body), T0)
    assert orig is not None and copy is not None and copy.cluster_id == orig.cluster_id


def test_each_new_article_stores_one_band_key_per_band_and_duplicates_none(db: str) -> None:
    core = _new_core(db)
    body = pf.texts(1)[0]
    first = _store(core, FEED_A, "http://a.example.test/1.html", "Tin", body, T0)
    again = _store(core, FEED_B, "http://b.example.test/2.html", "Tin", body, T0)  # same text: dup_hash
    assert first is not None and again is not None and again.outcome == "dup_hash"
    with core.sessions() as s:
        counts = s.execute(select(ArticleBand.article_id, func.count()).group_by(ArticleBand.article_id)).all()
        assert counts == [(first.article_id, BANDS)]
        assert [aid for aid, _ in near_duplicates(s, signature(_copy_of(body)))] == [first.article_id]


def _lookup_plan(engine, sig) -> str:  # type: ignore[no-untyped-def]
    """The query plan of the candidate SELECT that ``near_duplicates`` sends for ``sig``."""
    statements: list[tuple[str, object]] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append((a[2], a[3])))
    with session_factory(engine)() as s:
        near_duplicates(s, sig)
        sql, params = statements[-1]
        if engine.dialect.name == "sqlite":
            return " ".join(str(r[3]) for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
        return " ".join(r[0] for r in s.connection().exec_driver_sql("EXPLAIN " + sql, params))


def store_random_signatures(conn, sigs) -> None:  # type: ignore[no-untyped-def]
    """Articles 1..len(sigs) with these signatures and their band keys, in ``conn``'s transaction."""
    conn.execute(insert(Article), [{"id": i + 1, "canonical_url": f"http://x.test/{i}", "text": "",
                                    "content_hash": f"{i:064x}", "minhash": signature_to_bytes(sig)}
                                   for i, sig in enumerate(sigs)])
    session = Session(bind=conn)
    for i, sig in enumerate(sigs):
        add_bands(session, i + 1, sig)


def test_candidate_lookup_searches_the_band_primary_key(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    rng = np.random.default_rng(3)
    with engine.begin() as c:  # enough rows, analysed, for the planner to choose as it will on an archive
        store_random_signatures(c, rng.integers(0, 2**32, size=(PLAN_ARTICLES, NUM_PERM), dtype=np.uint32))
        c.exec_driver_sql("ANALYZE")
    plan = _lookup_plan(engine, signature(pf.texts(1)[0]))
    engine.dispose()
    if db_url.startswith("sqlite"):  # the WITHOUT ROWID table is its own index: one search per band key
        assert "SCAN article_bands" not in plan
        assert "SEARCH article_bands USING PRIMARY KEY (key=?)" in plan
    else:
        assert "Seq Scan on article_bands" not in plan
        assert "Index Scan on article_bands_pkey" in plan
        assert "Index Cond: (key = ANY" in plan


def test_deleting_an_article_deletes_its_band_keys(db: str) -> None:
    core = _new_core(db)
    body = pf.texts(1)[0]
    first = _store(core, FEED_A, "http://a.example.test/1.html", "Tin", body, T0)
    assert first is not None
    with core.sessions() as s:
        s.execute(Article.__table__.delete().where(Article.id == first.article_id))
        s.commit()
        assert s.scalar(select(func.count()).select_from(ArticleBand)) == 0
        assert near_duplicates(s, signature(_copy_of(body))) == []


def test_sqlite_connections_cache_the_band_btree_and_checkpoint_in_large_steps(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from bantin.store.db import SQLITE_CACHE_KIB, SQLITE_WAL_AUTOCHECKPOINT_PAGES

    with make_engine(f"sqlite:///{tmp_path / 'p.db'}").connect() as c:
        assert c.execute(text("PRAGMA cache_size")).scalar() == -SQLITE_CACHE_KIB  # 64 MiB, not 2 MiB
        assert c.execute(text("PRAGMA wal_autocheckpoint")).scalar() == SQLITE_WAL_AUTOCHECKPOINT_PAGES


def test_a_stored_signature_of_the_wrong_length_fails_the_lookup_instead_of_shifting_the_others(db: str) -> None:
    core = _new_core(db)
    body = pf.texts(1)[0]
    first = _store(core, FEED_A, "http://a.example.test/1.html", "Tin", body, T0)
    assert first is not None
    with core.sessions() as s:
        s.execute(Article.__table__.update().where(Article.id == first.article_id).values(minhash=b"\x00" * 12))
        with pytest.raises(ValueError):
            near_duplicates(s, signature(_copy_of(body)))
