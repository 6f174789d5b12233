"""Engines and sessions: SQLite (WAL, busy_timeout, foreign keys on every connection) or PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# Connections each engine keeps open: the API's requests in flight (8-16 from a few browsers or a load test)
# plus the audit writer; beyond SQLAlchemy's default of 5, each extra one was opened and closed per use (on
# SQLite its pragmas and a cold page cache again: 54 times in 840 requests at 8 in flight).
POOL_SIZE = 16
# Crawler, CLI and API write concurrently; 30 s of waiting beats "database is locked" under load.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Page cache per SQLite connection, in KiB (negative = KiB): 64 MiB instead of the default 2 MiB holds the
# upper levels of the near-duplicate key B-tree of a 100k-200k archive (article_bands, ~250 MB at 100k),
# which every lookup and every insert of an article's 64 random keys walks (bench/neardup.py).
SQLITE_CACHE_KIB = 65_536
# WAL pages before a commit checkpoints them into the database file (default 1000, ~4 MB): an article
# dirties ~70 pages (64 of them band-key leaves), so the default checkpointed every ~15 articles; 10,000
# (~40 MB of WAL) cut commit time 2.3-2.8 -> 1.4-1.7 ms at 100k stored (bench/neardup.py signatures).
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000
# Arbitrary but fixed: the PostgreSQL advisory-lock key that serialises migrations across processes.
PG_MIGRATION_LOCK_KEY = 0x62616E74
# PostgreSQL sessions in UTC: psycopg then returns timestamps with ``datetime.UTC`` itself, which
# ``types.UTCDateTime`` passes through without converting each value (255 of them in a queue page).
PG_CONNECT_OPTIONS = "-c TimeZone=UTC"
# A pooled PostgreSQL connection idle for longer than this is pinged before it is handed out (a server restart,
# a killed backend or an idle timeout may have closed it). One returned to the pool less than this ago was
# working then; pinging it too (SQLAlchemy's pool_pre_ping) added a round trip to every checkout, two a
# listing request: ~5 % of the machine's CPU per search at 1M articles (docs/benchmarks.md, session 12).
PG_PING_IDLE_S = 1.0
# Execution option of read-only sessions (``read_session_factory``): SQLite begins them deferred.
READ_ONLY_OPTION = "bantin_read_only"


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Take BEGIN into our own hands (see _sqlite_begin): pysqlite's implicit BEGIN is deferred.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cur.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(READ_ONLY_OPTION):
        # deferred: a reader takes no lock in WAL mode, so a long export never holds up the crawler's writes
        conn.exec_driver_sql("BEGIN")
        return
    # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can fail
    # at once with SQLITE_BUSY in WAL mode when another process wrote in between (busy_timeout cannot help).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their directory created and the pragmas set."""
    u = make_url(url)
    kwargs: dict[str, Any] = {"future": True}
    in_memory = u.get_backend_name() == "sqlite" and u.database in (None, "", ":memory:")
    if not in_memory:  # a queue pool (in-memory SQLite keeps one connection per thread instead)
        kwargs["pool_size"] = POOL_SIZE
        # the most recently used connection first: a few warm connections (SQLite's page cache, PostgreSQL's
        # prepared statements, which psycopg makes on a connection's 5th run of a query) serve most requests
        kwargs["pool_use_lifo"] = True
    if u.get_backend_name() == "sqlite":
        if u.database and not in_memory:
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif u.get_backend_name() == "postgresql" and u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() == "postgresql":  # after any options the URL gives (connect_args would replace them)
        given = u.query.get("options")
        given = given if isinstance(given, str) else " ".join(given or ())
        kwargs["connect_args"] = {"options": f"{given} {PG_CONNECT_OPTIONS}".strip()}
    engine = create_engine(u, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin)
    elif not in_memory:
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only if it sat in the pool for ``PG_PING_IDLE_S`` or longer; a
    dead one is replaced (the pool retries the checkout with a new connection). SQLAlchemy's documented
    pessimistic-disconnect recipe (a ``checkout`` listener raising ``DisconnectionError``), applied to idle
    connections only."""

    def checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PG_PING_IDLE_S:
            return  # new, or back in the pool a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as e:
            raise exc.DisconnectionError(f"stale pooled connection: {e}") from e

    event.listen(engine.pool, "checkin", checkin)
    event.listen(engine.pool, "checkout", checkout)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that may write (on SQLite each transaction takes the write lock when it begins)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read (exports, queue reads, listings), however long they run: on SQLite they
    begin deferred and never take the write lock, reading one snapshot beside the writers (WAL).
    Write in a ``session_factory`` session instead; a write here may fail with "database is locked".
    On PostgreSQL they run in autocommit: each statement reads its own snapshot, with no BEGIN and ROLLBACK
    round trips around it (two of a listing request's six); a reader that needs one snapshot over several
    statements begins a transaction of its own."""
    options: dict[str, Any] = {READ_ONLY_OPTION: True}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "AUTOCOMMIT"
    return sessionmaker(bind=engine.execution_options(**options), expire_on_commit=False)


def dialect_insert(session: Session | str, table: Any) -> Any:
    """``INSERT`` for the session's dialect (or the dialect named), which has ``on_conflict_do_nothing`` /
    ``on_conflict_do_update`` (SQLite and PostgreSQL spell upserts alike, but SQLAlchemy builds them from
    dialect-specific constructs)."""
    dialect = session if isinstance(session, str) else session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(table)
    if dialect == "sqlite":
        return sqlite_insert(table)
    raise NotImplementedError(f"bantin supports SQLite and PostgreSQL, not {dialect}")


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise schema upgrades between processes (two crawlers starting on a fresh database)."""
    if engine.dialect.name == "sqlite":
        db = engine.url.database
        if not db or db == ":memory:":
            yield
            return
        lock_path = f"{db}.migrate.lock"
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
    else:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK_KEY})
                conn.commit()
