"""Opening the configured database: every command calls this, and gets an up-to-date schema."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bantin.app.settings import Settings, get_settings
from bantin.store.db import make_engine, migration_lock, read_session_factory, session_factory
from bantin.store.migrate import ensure_schema


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    # long reads (exports, scoring): on SQLite they do not take the write lock, so the crawler keeps writing
    read_sessions: sessionmaker[Session]


def open_app(settings: Settings | None = None, seed_sources: bool = True) -> AppContext:
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    ensure_schema(engine)
    sessions = session_factory(engine)
    if seed_sources:
        from bantin.sources.registry import seed_if_empty

        with migration_lock(engine), sessions() as s:  # two processes starting on a new database seed once
            seed_if_empty(s, settings.sources_file)
            s.commit()
    return AppContext(settings, engine, sessions, read_session_factory(engine))
