"""Planner statistics: on a PostgreSQL server whose autovacuum has not analyzed the band table, bantin's own
refresh turns the near-duplicate lookup from a probe of every article's bands into primary-key searches."""

from __future__ import annotations

import numpy as np

from bantin.dedup.minhash import NUM_PERM, signature
from bantin.store.db import make_engine
from bantin.store.migrate import upgrade
from bantin.store.planner import refresh_stale
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
