"""Keeping the database current: its schema (Alembic, driven from code: `bantin db upgrade`, and the automatic
upgrade every command does first) and, on PostgreSQL, its planner statistics.

Planner statistics, kept fresh by bantin itself where autovacuum is off or has not caught up.

Why: ingest's near-duplicate lookup (``ingest.neardup``, 64 band keys ``IN (...)`` on ``article_bands``'
primary key) is planned from the table's statistics. With none (a new database, a bulk import inside
autovacuum's naptime, or a server with ``autovacuum = off``, as on the test machines here) PostgreSQL
probes every article's bands by article id and filters on the keys: the import of 10,000 real items ran at
~11 rows/s and slowed as the table grew; after one ``ANALYZE`` the whole import averaged 65 rows/s wall, 171/s
of CPU (bench/build_db.py, session 10; tests/store/test_planner.py reads both plans).

``refresh_stale`` asks ``pg_stat_user_tables`` which of the named tables changed by more than autovacuum's
own default threshold since their last analyze, and analyzes those; on SQLite it does nothing (its planner
uses the indexes without statistics). It is called after each import batch, by ``bantin serve``'s jobs and on the
crawl's periodic thread (:func:`refresh_tick`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from bantin.store.db import migration_lock

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# The tables whose plans matter for ingest and the queue (the near-duplicate lookup, URL and hash lookups).
HOT_TABLES = ("article_bands", "articles", "article_urls", "clusters", "stories")
# autovacuum's defaults (autovacuum_analyze_threshold 50, autovacuum_analyze_scale_factor 0.1): analyze when
# more rows changed than this since the last analyze, as PostgreSQL itself would.
ANALYZE_BASE_ROWS = 50
ANALYZE_SCALE = 0.1
# How often the long-running processes look: ten minutes is far inside the time a stale plan takes to hurt
# (the band table grows by 64 rows an article), and the look itself is one small query.
REFRESH_INTERVAL_S = 600.0

_STALE = text(
    "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE s.schemaname = current_schema() AND s.relname = ANY(:names) "
    "AND s.n_mod_since_analyze > :base + :scale * greatest(c.reltuples, 0)")


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

def refresh_stale(engine: Engine, tables: tuple[str, ...] = HOT_TABLES) -> list[str]:
    """ANALYZE the ``tables`` whose statistics are stale (PostgreSQL only); the names analyzed."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        stale = list(conn.execute(_STALE, {"names": list(tables), "base": ANALYZE_BASE_ROWS,
                                           "scale": ANALYZE_SCALE}).scalars())
        conn.rollback()
    if stale:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # names come from pg_stat_user_tables, filtered to our own constant list: safe to quote
            conn.execute(text("ANALYZE " + ", ".join(f'"{name}"' for name in stale)))
    return stale


def refresh_tick(engine: Engine, interval_s: float = REFRESH_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> Callable[[], None]:
    """A function to call at every tick of a periodic thread: :func:`refresh_stale` at most every
    ``interval_s``; it never raises (a failure is logged in one line and tried again at the next interval)."""
    state: dict[str, float | None] = {"last": None}

    def tick() -> None:
        last = state["last"]
        if last is not None and clock() - last < interval_s:
            return
        state["last"] = clock()
        try:
            refresh_stale(engine)
        except Exception as exc:  # noqa: BLE001 - statistics must never stop the crawl
            logging.getLogger(__name__).warning("planner statistics not refreshed: %s", exc)

    return tick
