"""Planner statistics: on a PostgreSQL server whose autovacuum has not analyzed the band table, bantin's own
refresh turns the near-duplicate lookup from a probe of every article's bands into primary-key searches."""

from __future__ import annotations

import numpy as np

from bantin.dedup.minhash import NUM_PERM, signature
from bantin.store.db import make_engine
from bantin.store.migrate import refresh_stale, upgrade
from tests import pagefactory as pf
from tests.ingest.test_neardup import PLAN_ARTICLES, _lookup_plan, store_random_signatures


def test_stale_statistics_are_refreshed_once_and_the_lookup_uses_the_index(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    pg = engine.dialect.name == "postgresql"
    if pg:  # as on a server with autovacuum off, whatever this one's setting
        with engine.begin() as c:
            for table in ("articles", "article_bands"):
                c.exec_driver_sql(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 2**32, size=(PLAN_ARTICLES * 2, NUM_PERM), dtype=np.uint32)
    with engine.begin() as c:
        store_random_signatures(c, sigs)
    probe = signature(pf.texts(1)[0])
    before = _lookup_plan(engine, probe)
    refreshed = refresh_stale(engine)
    after = _lookup_plan(engine, probe)
    again = refresh_stale(engine)
    engine.dispose()
    if not pg:  # SQLite searches the WITHOUT ROWID table by key without statistics; nothing to refresh
        assert refreshed == again == []
        assert "SEARCH article_bands USING PRIMARY KEY (key=?)" in before == after
        return
    # without statistics: every article's bands probed by article id, the keys only a filter (what the
    # import ran into: ~11 rows/s and falling as the archive grew)
    assert "Index Cond: (key = ANY" not in before
    assert "Filter: (key = ANY" in before
    assert set(refreshed) >= {"articles", "article_bands"}
    assert "Seq Scan on article_bands" not in after
    assert "Index Cond: (key = ANY" in after  # the band keys searched in the primary key
    assert again == []  # nothing changed since: no second ANALYZE


def test_the_periodic_refresh_looks_once_per_interval_and_never_raises(caplog) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from bantin.store.migrate import refresh_tick

    calls: list[float] = []
    now = [0.0]

    def connect():  # type: ignore[no-untyped-def]
        calls.append(now[0])
        raise ConnectionError("server closed the connection unexpectedly")

    engine = SimpleNamespace(dialect=SimpleNamespace(name="postgresql"), connect=connect)
    tick = refresh_tick(engine, interval_s=600, clock=lambda: now[0])  # type: ignore[arg-type]
    for t in (0.0, 10.0, 599.0, 600.0, 700.0, 1200.5):
        now[0] = t
        tick()  # a dead server is a logged line, not an exception on the crawl's thread
    assert calls == [0.0, 600.0, 1200.5]
    assert "planner statistics not refreshed: server closed the connection unexpectedly" in caplog.text
