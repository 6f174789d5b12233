"""How bantin talks to PostgreSQL: timestamps come back in UTC whatever the server's zone, options in the
URL are kept, a listing's read sends no BEGIN/ROLLBACK, and a group of audit rows is one INSERT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import event, select, text

from bantin.app import audit
from bantin.store.db import make_engine, read_session_factory, session_factory
from bantin.store.schema import AuditEvent


def _statements(engine):  # type: ignore[no-untyped-def]
    """The first word of every statement sent through a cursor, in order."""
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2].split()[0].upper()))
    return seen


def _stored_and_read_back(engine):  # type: ignore[no-untyped-def]
    """An audit time written at +07:00, as the database gives it back."""
    with session_factory(engine)() as s:
        s.add(AuditEvent(actor="t", action="x", at=datetime(2026, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=7)))))
        s.commit()
        return s.scalars(select(AuditEvent.at)).one()


def test_timestamps_come_back_as_utc_and_url_options_are_kept(migrated_db_url: str) -> None:
    if not migrated_db_url.startswith("postgresql"):
        assert _stored_and_read_back(make_engine(migrated_db_url)) == datetime(2026, 1, 1, 20, 4, tzinfo=UTC)
        return
    engine = make_engine(migrated_db_url + "?options=-c%20statement_timeout%3D12345")
    with engine.connect() as c:
        c.exec_driver_sql("ALTER DATABASE " + c.exec_driver_sql("SELECT current_database()").scalar_one()
                          + " SET TimeZone = 'Asia/Ho_Chi_Minh'")  # the server's default is not ours to trust
        c.commit()
    engine.dispose()  # the database's new default applies to the connections opened from here on
    with engine.connect() as c:
        assert c.execute(text("SHOW statement_timeout")).scalar_one() == "12345ms"  # the URL's own option
        assert c.execute(text("SHOW TimeZone")).scalar_one() == "UTC"
    at = _stored_and_read_back(engine)
    assert at == datetime(2026, 1, 1, 20, 4, tzinfo=UTC) and at.tzinfo is UTC
    engine.dispose()


def test_reads_need_no_transaction_and_audit_rows_go_in_one_statement(migrated_db_url: str) -> None:
    engine = make_engine(migrated_db_url)  # at the head revision already
    pg = engine.dialect.name == "postgresql"
    seen = _statements(engine)
    with read_session_factory(engine)() as r:
        r.connection().execute(select(AuditEvent.id)).all()
        if pg:  # autocommit: no transaction block was opened around the statement (no BEGIN, no ROLLBACK)
            from psycopg.pq import TransactionStatus

            assert r.connection().connection.dbapi_connection.info.transaction_status == TransactionStatus.IDLE
    sessions = session_factory(engine)
    for i in range(3):
        audit.record_read(sessions, "user:t", "queue.read", audit_target="queue", n=i)
    with sessions() as s:
        details = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "queue.read")
                            .order_by(AuditEvent.id)).all()
    assert list(details) == ['{"n": 0}', '{"n": 1}', '{"n": 2}']  # each read recorded, in order
    inserts = [st for st in seen if st == "INSERT"]
    assert len(inserts) == 3  # one statement per group (here one row each: the reads came one at a time)
    engine.dispose()


def test_postgresql_datetimes_are_read_as_the_decorator_itself_would() -> None:
    from sqlalchemy.dialects.postgresql import psycopg

    from bantin.store.types import UTCDateTime

    column, dialect = UTCDateTime(), psycopg.dialect()
    process = column.result_processor(dialect, None)
    assert process is not None and process(None) is None
    utc_value = datetime(2026, 12, 1, 8, 0, 0, 250000, tzinfo=UTC)
    assert process(utc_value) is utc_value  # what bantin's UTC connections give: passed through, not rebuilt
    for given in (utc_value.astimezone(timezone(timedelta(hours=7))), utc_value.replace(tzinfo=None)):
        assert process(given) == column.process_result_value(given, dialect) == utc_value
        assert process(given).tzinfo is UTC
