"""Database fixtures: every database test runs on SQLite and on PostgreSQL (a fresh database each).

PostgreSQL comes from BANTIN_TEST_PG_URL (default: the machine's server on 127.0.0.1:5432, trust auth).
Without a reachable server the PostgreSQL cases skip, unless BANTIN_REQUIRE_PG=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
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
    yield from _pg_database()


def _pg_database(template: Callable[[], str] | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database (a copy of ``template()`` when given), dropped afterwards; skipped (or, with
    BANTIN_REQUIRE_PG=1, failed) when the server is not reachable."""
    reason = pg_available()
    if reason:
        if os.environ.get("BANTIN_REQUIRE_PG") == "1":
            pytest.fail(reason + " (BANTIN_REQUIRE_PG=1)")
        pytest.skip(reason)
    copy_of = f' TEMPLATE "{template()}"' if template is not None else ""
    name = f"bantin_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class _Templates:
    """One migrated database per kind and test run, copied for each test that wants a migrated database:
    migrating a fresh database costs 1.4 s on SQLite and 2.9 s on PostgreSQL, a copy a few milliseconds
    (SQLite: the file) or ~0.3 s (PostgreSQL: ``CREATE DATABASE ... TEMPLATE``)."""

    def __init__(self) -> None:
        self.sqlite_file: Path | None = None
        self.pg_name: str | None = None

    def sqlite(self, tmp_root: Path) -> Path:
        if self.sqlite_file is None:
            from bantin.store.db import make_engine
            from bantin.store.migrate import upgrade

            path = tmp_root / "bantin-template.db"
            engine = make_engine(f"sqlite:///{path}")
            upgrade(engine)
            engine.dispose()  # the last connection closing checkpoints the WAL into the main file
            assert not Path(f"{path}-wal").exists(), "the template's WAL was not checkpointed"
            self.sqlite_file = path
        return self.sqlite_file

    def postgresql(self) -> str:
        if self.pg_name is None:
            from bantin.store.db import make_engine
            from bantin.store.migrate import upgrade

            name = f"bantin_tpl_{uuid.uuid4().hex[:12]}"
            admin = _pg_admin_engine()
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            engine = make_engine(make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False))
            upgrade(engine)
            engine.dispose()  # a template must have no connections while it is copied
            self.pg_name = name
        return self.pg_name

    def drop(self) -> None:
        if self.pg_name is not None:
            admin = _pg_admin_engine()
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
            admin.dispose()
            self.pg_name = None


TEMPLATES = _Templates()


def make_migrated_db_url(kind: str, tmp_path: Path, tmp_root: Path) -> Iterator[str]:
    """A fresh database already at the head revision (a copy of one migrated once per test run)."""
    import shutil

    if kind == "sqlite":
        target = tmp_path / "bantin-test.db"
        shutil.copyfile(TEMPLATES.sqlite(tmp_root), target)
        yield f"sqlite:///{target}"
        return
    yield from _pg_database(TEMPLATES.postgresql)
