from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def ctx(migrated_db_url: str, tmp_path: Path) -> Iterator[Any]:
    """An app context on a fresh database (SQLite and PostgreSQL), loopback fetches allowed."""
    from bantin.app.context import open_app
    from bantin.app.settings import Settings

    empty = tmp_path / "no-sources.toml"
    empty.write_text("")
    app = open_app(Settings(database_url=migrated_db_url, data_dir=tmp_path / "data", sources_file=empty,
                            allow_loopback=True, min_host_delay_s=0.01))
    yield app
    app.engine.dispose()
