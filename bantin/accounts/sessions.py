"""Browser sessions: a random cookie value (its SHA-256 stored) and a CSRF token per session."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bantin.accounts.secrets import digest, new_token
from bantin.store.office import User, WebSession
from bantin.store.types import utcnow

# last_seen_at is written at most this often per session (every request would be a write per page view).
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


def start_session(session: Session, user: User, hours: int) -> tuple[WebSession, str]:
    """A new browser session for ``user``: (its row, the cookie value)."""
    cookie = new_token()
    row = WebSession(token_hash=digest(cookie), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                     expires_at=utcnow() + timedelta(hours=hours))
    session.add(row)
    session.flush()
    return row, cookie


def resolve_session(session: Session, cookie: str) -> tuple[WebSession, User] | None:
    if not cookie or len(cookie) > 200:
        return None
    hit = session.execute(select(WebSession, User).join(User, User.id == WebSession.user_id)
                          .where(WebSession.token_hash == digest(cookie))).first()
    if hit is None:
        return None
    ws, user = hit
    if ws.expires_at <= utcnow() or user.disabled:
        return None
    return ws, user


def end_session(session: Session, cookie: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == digest(cookie)))


def prune_sessions(session: Session) -> int:
    """Delete expired sessions (the retention job calls this)."""
    result: Any = session.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
    return int(result.rowcount or 0)
