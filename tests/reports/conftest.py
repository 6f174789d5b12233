"""Report fixtures: a migrated database's sessions, and (for the rollup's tests) the queue's application
context on a fresh database with its newsroom's outlets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.queue.conftest import app  # noqa: F401 (the fixture, shared with the queue's tests)


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    from bantin.store.db import make_engine, session_factory
    from bantin.store.migrate import ensure_schema

    engine = make_engine(db_url)
    ensure_schema(engine)
    yield session_factory(engine)
    engine.dispose()
