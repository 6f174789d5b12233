"""The group committer behind audited reads: each caller returns only once its row is committed, rows
waiting together share one transaction, a failed commit fails its callers (and only them), and an idle
writer thread ends and is replaced on the next write."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

import bantin.store.groupcommit as gc
from bantin.store.groupcommit import GroupCommitter
from bantin.store.schema import AuditEvent
from bantin.store.types import utcnow


@pytest.fixture
def sessions(migrated_db_url: str) -> Any:
    engine = create_engine(migrated_db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


def row(n: int) -> dict[str, Any]:
    return {"actor": f"user:{n}", "action": "queue.read", "target": "queue", "detail": "{}", "at": utcnow()}


def count(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_a_write_returns_once_its_row_is_visible_to_other_sessions(sessions: sessionmaker[Session]) -> None:
    committer = GroupCommitter(sessions, AuditEvent)
    committer.write(row(1))
    assert count(sessions) == 1


def test_rows_waiting_together_are_committed_in_one_transaction(sessions: sessionmaker[Session]) -> None:
    gate = threading.Event()
    first_started = threading.Event()

    calls = 0

    def slow_first(conn: Any) -> None:  # the writer's first transaction is held open until the gate opens
        nonlocal calls
        calls += 1
        if calls == 1:
            first_started.set()
            gate.wait(10)

    event.listen(sessions.kw["bind"], "begin", slow_first)
    committer = GroupCommitter(sessions, AuditEvent)
    with ThreadPoolExecutor(21) as pool:
        futures = [pool.submit(committer.write, row(0))]
        assert first_started.wait(10)
        futures += [pool.submit(committer.write, row(n)) for n in range(1, 21)]
        time.sleep(0.3)  # the 20 are queued behind the held first group
        assert all(not f.done() for f in futures)  # nobody answered before their row was committed
        gate.set()
        for f in futures:
            f.result(10)
    assert count(sessions) == 21
    assert committer.rows == 21 and committer.groups == 2


def test_a_failed_commit_fails_its_callers_and_the_next_write_works(sessions: sessionmaker[Session]) -> None:
    committer = GroupCommitter(sessions, AuditEvent)
    with pytest.raises(Exception, match="actor"):
        committer.write({**row(1), "actor": None})  # NOT NULL refused by the database
    committer.write(row(2))
    with sessions() as s:
        assert list(s.scalars(select(AuditEvent.actor))) == ["user:2"]


def test_an_idle_writer_ends_and_the_next_write_starts_another(sessions: sessionmaker[Session],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc, "IDLE_EXIT_S", 0.05)
    committer = GroupCommitter(sessions, AuditEvent, name="idle-test")
    committer.write(row(1))
    deadline = time.monotonic() + 5
    while any(t.name == "idle-test" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(t.name == "idle-test" for t in threading.enumerate())
    committer.write(row(2))
    assert count(sessions) == 2
