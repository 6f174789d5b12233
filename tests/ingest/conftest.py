"""The crawl core's fixture: a migrated database (SQLite and PostgreSQL) with two Vietnamese sources."""

from __future__ import annotations

import pytest

from bantin.app.stats import CounterStats
from bantin.ingest.core import CrawlCore
from bantin.sources.registry import SourceSpec, upsert
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade

FEED = "http://news.example.test/rss/tin-moi-nhat.rss"


@pytest.fixture
def core(db_url: str) -> CrawlCore:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions() as s:
        upsert(s, SourceSpec(name="Báo Thử", feeds=(FEED,), home_url="http://news.example.test/", language="vi"))
        upsert(s, SourceSpec(name="Báo Khác", feeds=("http://other.example.test/rss.rss",), language="vi"))
        s.commit()
    return CrawlCore(sessions, CounterStats())
