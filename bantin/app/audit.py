"""Audit records (docs/principles.md, principle 3): written in the same transaction as the read or export they describe."""

from __future__ import annotations

import getpass
import json
from typing import Any

from sqlalchemy.orm import Session

from bantin.store.schema import AuditEvent


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no passwd entry (containers)
        return "cli:unknown"


def record(session: Session, actor: str, action: str, *, audit_target: str | None = None, **detail: Any) -> None:
    """Add one audit row to ``session``'s transaction; ``audit_target`` names the item ("story:12")."""
    session.add(AuditEvent(actor=actor, action=action, target=audit_target,
                           detail=json.dumps(detail, ensure_ascii=False, default=str)))
