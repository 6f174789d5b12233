"""Fixtures shared by the classify CLI tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bantin.app.settings import get_settings


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data directory, the test database and Nghệ An as the province, read by a fresh Settings."""
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BANTIN_DATABASE_URL", db_url)
    monkeypatch.setenv("BANTIN_PROVINCE", "Nghệ An")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
