"""Queue fixtures: an application context on a fresh database (SQLite and PostgreSQL) and its newsroom."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bantin.app.context import AppContext
from tests.queue.newsroom import Newsroom


@pytest.fixture
def app(migrated_db_url: str, tmp_path: Path) -> Iterator[AppContext]:
    from bantin.app.context import open_app
    from bantin.app.settings import Settings

    empty = tmp_path / "no-sources.toml"
    empty.write_text("")
    ctx = open_app(Settings(database_url=migrated_db_url, data_dir=tmp_path / "data", sources_file=empty))
    yield ctx
    ctx.engine.dispose()


@pytest.fixture
def news(app: AppContext) -> Newsroom:
    return Newsroom(app)
