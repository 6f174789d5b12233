"""Shared test fixtures: the ../shared data directory (skipped with a reason when absent)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_DATA = SHARED_DIR / "data"

requires_shared = pytest.mark.skipif(
    not (SHARED_DATA / "crawl" / "url-map.tsv").is_file(),
    reason=f"needs the real data in {SHARED_DIR} (../shared beside the project); CI always has it",
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "crawl" / "url-map.tsv").is_file():
        pytest.skip(f"needs the real data in {SHARED_DIR} (../shared beside the project); CI always has it")
    return SHARED_DATA


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fresh, empty database URL: once on SQLite, once on PostgreSQL."""
    from tests.dbfixtures import make_db_url

    yield from make_db_url(request.param, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_db_url(request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A fresh database at the head revision, once on SQLite, once on PostgreSQL (copied from one migrated
    template per test run: for tests of what is in the database, not of the migrations themselves)."""
    from tests.dbfixtures import make_migrated_db_url

    yield from make_migrated_db_url(request.param, tmp_path, tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session", autouse=True)
def _drop_template_databases():  # type: ignore[no-untyped-def]
    yield
    from tests.dbfixtures import TEMPLATES

    TEMPLATES.drop()


@pytest.fixture(autouse=True)
def _alone_when_marked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Under pytest-xdist (``dev.py test`` runs a worker per core), a test marked ``alone`` (it measures timing,
    e.g. the reactor's lag) holds an exclusive lock that every other test takes shared: it runs while no other
    test does, and the other workers wait."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    exclusive = request.node.get_closest_marker("alone") is not None
    with open(tmp_path_factory.getbasetemp().parent / "alone.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
