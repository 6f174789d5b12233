"""``GET /api/v1/audit`` (admin): who did what, when, to which item. Reading the log is itself audited,
and committed before anything is returned (principle 3). No route edits or deletes the log; the database
refuses updates to it (migration 0006's trigger)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select

from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.errors import GUARDED_ERRORS
from bantin.api.listing.pagination import CursorQ, LimitQ, Page, encode_cursor
from bantin.api.roles import requires
from bantin.api.routes.users import id_cursor
from bantin.api.schemas.audit import AuditPublic
from bantin.api.schemas.tokens import LINE_PATTERN
from bantin.app import audit
from bantin.store.schema import AuditEvent

router = APIRouter(tags=["audit"], responses=GUARDED_ERRORS)

# Filters match the columns exactly; their lengths are the columns' (actor 200, action 100, target 200).
MAX_ACTOR_CHARS = 200
MAX_ACTION_CHARS = 100
MAX_TARGET_CHARS = 200

ActorQ = Annotated[str | None, Query(max_length=MAX_ACTOR_CHARS, pattern=LINE_PATTERN, description='"user:NAME", "cli:LOGIN"')]
ActionQ = Annotated[str | None, Query(max_length=MAX_ACTION_CHARS, pattern=LINE_PATTERN, description='"users.create"')]
TargetQ = Annotated[str | None, Query(max_length=MAX_TARGET_CHARS, pattern=LINE_PATTERN, description='"story:12"')]
FromQ = Annotated[datetime | None, Query(alias="from", description="at or after (ISO 8601; UTC if no zone)")]
ToQ = Annotated[datetime | None, Query(description="before (ISO 8601; UTC if no zone)")]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise HTTPException(422, "thời điểm ngoài phạm vi (time out of range)") from None


def _detail(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


@router.get("/audit", response_model=Page[AuditPublic], dependencies=[requires("admin")])
def list_audit(s: SessionDep, me: CurrentUser, limit: LimitQ = 50, cursor: CursorQ = None, actor: ActorQ = None,
               action: ActionQ = None, target: TargetQ = None, from_: FromQ = None,
               to: ToQ = None) -> Page[AuditPublic]:
    """Newest first; ``next_cursor`` pages back in time."""
    after = id_cursor(cursor)
    start, end = _utc(from_), _utc(to)
    filters = {k: v for k, v in {"actor": actor, "action": action, "target": target, "from": start, "to": end,
                                 "cursor": after}.items() if v is not None}
    audit.record(s, me.actor, "audit.read", audit_target="audit_log", filters=filters)
    s.commit()  # the read is on record before any row of the log leaves
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit + 1)
    if after is not None:
        q = q.where(AuditEvent.id < after)
    if actor is not None:
        q = q.where(AuditEvent.actor == actor)
    if action is not None:
        q = q.where(AuditEvent.action == action)
    if target is not None:
        q = q.where(AuditEvent.target == target)
    if start is not None:
        q = q.where(AuditEvent.at >= start)
    if end is not None:
        q = q.where(AuditEvent.at < end)
    rows = list(s.scalars(q))
    more = len(rows) > limit
    rows = rows[:limit]
    items = [AuditPublic(id=e.id, at=e.at, actor=e.actor, action=e.action, target=e.target, detail=_detail(e.detail))
             for e in rows]
    return Page[AuditPublic](items=items, next_cursor=encode_cursor(rows[-1].id) if more else None)
