"""Audit records (docs/principles.md, principle 3): written in the same transaction as the read or export they describe."""

from __future__ import annotations

import getpass
import json
import threading
import weakref
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bantin.store.groupcommit import GroupCommitter
from bantin.store.schema import AuditEvent
from bantin.store.types import utcnow

# One committer per session factory (per database) in this process.
_committers: weakref.WeakKeyDictionary[Any, GroupCommitter] = weakref.WeakKeyDictionary()
_committers_lock = threading.Lock()


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no passwd entry (containers)
        return "cli:unknown"


def _row(actor: str, action: str, audit_target: str | None, detail: dict[str, Any]) -> dict[str, Any]:
    return {"actor": actor, "action": action, "target": audit_target,
            "detail": json.dumps(detail, ensure_ascii=False, default=str), "at": utcnow()}


def record_read(sessions: sessionmaker[Session], actor: str, action: str, *, audit_target: str | None = None,
                **detail: Any) -> None:
    """Commit one audit row of a read or an export now, before the caller answers (principle 3), through
    the process's group committer (store/groupcommit.py: concurrent reads share one transaction)."""
    with _committers_lock:
        committer = _committers.get(sessions)
        if committer is None:
            committer = _committers[sessions] = GroupCommitter(sessions, AuditEvent, "audit-commit")
    committer.write(_row(actor, action, audit_target, detail))


def record(session: Session, actor: str, action: str, *, audit_target: str | None = None, **detail: Any) -> None:
    """Add one audit row to ``session``'s transaction; ``audit_target`` names the item ("story:12")."""
    session.add(AuditEvent(actor=actor, action=action, target=audit_target,
                           detail=json.dumps(detail, ensure_ascii=False, default=str)))
