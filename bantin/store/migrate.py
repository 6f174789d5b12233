"""Alembic, driven from code: `bantin db upgrade`, and the automatic upgrade every command does first."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from bantin.store.db import migration_lock

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema to ``revision``; safe to call from several processes at once."""
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), revision)
    return current_revision(engine)


def ensure_schema(engine: Engine) -> None:
    """Upgrade only when needed (cheap check first: most commands run on an up-to-date database)."""
    if current_revision(engine) != head_revision(engine):
        upgrade(engine)
