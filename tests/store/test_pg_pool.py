"""PostgreSQL's connection pool: a connection reused at once costs no ping round trip, and one whose backend
died while it sat idle in the pool is replaced before anybody uses it, whichever way the URL names the driver."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bantin.store import db
from tests.dbfixtures import _pg_admin_engine, _pg_database


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _pg_database()


def _backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as c:
        return int(c.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.mark.parametrize("driver", ["postgresql", "postgresql+psycopg"])
def test_a_busy_connection_is_not_pinged_and_one_killed_while_idle_is_replaced(
        pg_url: str, driver: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db.make_engine(make_url(pg_url).set(drivername=driver).render_as_string(hide_password=False))
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def counted_ping(conn):  # type: ignore[no-untyped-def]
        pings.append(1)
        return real_ping(conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)

    first = _backend_pid(engine)
    assert [_backend_pid(engine) for _ in range(20)] == [first] * 20  # the same warm connection (LIFO pool)
    assert pings == []  # each was back in the pool for far less than PG_PING_IDLE_S

    admin = _pg_admin_engine()
    with admin.connect() as c:  # what a server restart or an idle-session timeout does to it
        assert c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first}).scalar_one() is True
    admin.dispose()
    monkeypatch.setattr(db, "PG_PING_IDLE_S", 0.2)
    time.sleep(0.3)

    second = _backend_pid(engine)  # no error reaches the caller
    assert second != first
    assert pings == [1]
    assert _backend_pid(engine) == second and pings == [1]  # the new connection, reused at once: no ping
    engine.dispose()
