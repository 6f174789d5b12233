"""Database fixtures: every database test runs on SQLite and on PostgreSQL (a fresh database each).

PostgreSQL comes from BANTIN_TEST_PG_URL (default: the machine's server on 127.0.0.1:5432, trust auth).
Without a reachable server the PostgreSQL cases skip, unless BANTIN_REQUIRE_PG=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ADMIN_URL = os.environ.get("BANTIN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def pg_available() -> str | None:
    """None when reachable, else the reason."""
    try:
        eng = _pg_admin_engine()
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"


def make_db_url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'bantin-test.db'}"
        return
    reason = pg_available()
    if reason:
        if os.environ.get("BANTIN_REQUIRE_PG") == "1":
            pytest.fail(reason + " (BANTIN_REQUIRE_PG=1)")
        pytest.skip(reason)
    name = f"bantin_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
