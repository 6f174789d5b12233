"""Rows committed in groups by one writer thread per process, each caller waiting until its row is durable.

Why: every read of the queue is audited before it is answered (docs/principles.md, principle 3), so each
API read is also a write. Committed one transaction per request, concurrent requests queue for SQLite's
write lock, whose busy handler sleeps in growing steps (1, 2, 5 … 100 ms), and on PostgreSQL each commit
waits for its own WAL flush. Here a request hands its row over and blocks until the transaction holding it
has committed; the writer takes every row waiting at that moment into one transaction (group commit). The
order "record, then answer" is kept: a row that cannot be committed fails its request.

Runs at least once: a failed group is failed for each of its callers (nothing is retried behind their
back); their requests answer an error instead of the data.
"""

from __future__ import annotations

import os
import queue
import threading
from concurrent.futures import Future
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

# Rows per transaction at most: a group stays one short write (~1-3 ms), even under a burst.
MAX_GROUP_ROWS = 500
# How long a caller waits for its row to be committed before its request fails (SQLite's busy timeout is
# 30 s, store/db.py; a read that waits longer than this for its audit row is better answered with an error).
COMMIT_WAIT_S = 30.0
# The writer thread ends after this long without rows (a process that stops reading keeps no thread;
# the next write starts one again).
IDLE_EXIT_S = 30.0


class GroupCommitter:
    """Inserts into ``table`` (an ORM class) in groups; :meth:`write` returns once the row is committed."""

    def __init__(self, sessions: sessionmaker[Session], table: Any, name: str = "group-commit") -> None:
        engine = sessions.kw["bind"]
        # PostgreSQL: the group is one multi-row INSERT in autocommit (atomic as a statement), one round trip
        # instead of BEGIN, INSERT and COMMIT; SQLite keeps its transaction (BEGIN IMMEDIATE, store/db.py)
        self._autocommit = engine.dialect.name == "postgresql"
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT") if self._autocommit else engine
        self._insert = insert(table.__table__).inline()  # no RETURNING of the new ids: nobody reads them
        self.name = name
        self._queue: queue.SimpleQueue[tuple[dict[str, Any], Future[None]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pid: int | None = None  # the writer thread does not survive a fork (uvicorn workers)
        self.groups = 0
        self.rows = 0

    def _ensure_writer(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                threading.Thread(target=self._run, name=self.name, daemon=True).start()
                self._pid = os.getpid()

    def write(self, row: dict[str, Any], timeout: float = COMMIT_WAIT_S) -> None:
        """Commit ``row``; raises what the commit raised, or TimeoutError."""
        done: Future[None] = Future()
        self._queue.put((row, done))
        self._ensure_writer()  # after the put: a writer ending for idleness meanwhile is then replaced
        done.result(timeout)

    def _idle_exit(self, q: queue.SimpleQueue[Any]) -> bool:
        with self._lock:
            if not q.empty():
                return False
            self._pid = None
            return True

    def _commit(self, rows: list[dict[str, Any]]) -> None:
        if self._autocommit:
            with self._engine.connect() as c:
                c.execute(self._insert.values(rows))
            return
        with self._engine.begin() as c:  # Core: no ORM session to build and close per group
            c.execute(self._insert, rows)

    def _run(self) -> None:
        q = self._queue
        while True:
            try:
                group = [q.get(timeout=IDLE_EXIT_S)]
            except queue.Empty:
                if self._idle_exit(q):
                    return
                continue
            while len(group) < MAX_GROUP_ROWS:
                try:
                    group.append(q.get_nowait())
                except queue.Empty:
                    break
            try:
                self._commit([row for row, _ in group])
            except Exception as exc:  # noqa: BLE001 - handed to every waiting caller
                for _, done in group:
                    done.set_exception(exc)
                continue
            self.groups += 1
            self.rows += len(group)
            for _, done in group:
                done.set_result(None)
