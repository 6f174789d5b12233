"""Who is calling: ``Authorization: Bearer bt_...`` (scripts) or the session cookie (browsers).

The lookup runs in a read session (on SQLite it takes no write lock); ``last_used_at`` / ``last_seen_at``
are written in a short write transaction at most every few minutes per credential. A bearer token that
resolved is then answered from ``accounts.tokens.TOKEN_CACHE`` for ``TOKEN_CACHE_S`` seconds without the
database (:func:`known_principal`, on the event loop; the lookup itself runs in the thread pool).
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import update

from bantin.accounts.sessions import LAST_SEEN_RESOLUTION, resolve_session
from bantin.accounts.tokens import TOKEN_CACHE, needs_touch, resolve_token
from bantin.api.roles import Principal
from bantin.store.office import ApiToken, WebSession
from bantin.store.types import utcnow

SESSION_COOKIE = "bantin_session"
# known_principal's answer when the database has to be asked (None means anonymous).
UNKNOWN = object()


def _bearer(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def known_principal(request: Request) -> Principal | None | object:
    """The principal when it is known without the database (already resolved, no credentials at all, a
    bearer token resolved less than TOKEN_CACHE_S ago), else UNKNOWN (call :func:`authenticate`)."""
    state = request.state
    if getattr(state, "principal_resolved", False):
        return state.principal
    header = request.headers.get("authorization", "")
    principal: Principal | None = None
    if header:
        value = _bearer(header)
        principal = TOKEN_CACHE.get(value) if value else None
        if principal is None:
            return UNKNOWN
    elif SESSION_COOKIE in request.cookies:
        return UNKNOWN
    state.principal = principal
    state.principal_resolved = True
    return principal


def authenticate(request: Request) -> Principal | None:
    """The principal of the request's credentials, or None. A bearer header that does not resolve is not
    silently ignored in favour of a cookie: the request is then anonymous."""
    if getattr(request.state, "principal_resolved", False):
        return request.state.principal  # type: ignore[no-any-return]
    ctx = request.app.state.ctx
    principal: Principal | None = None
    touch = None
    header = request.headers.get("authorization", "")
    cookie = request.cookies.get(SESSION_COOKIE)
    if header or cookie:
        with ctx.read_sessions() as s:
            if header:
                value = _bearer(header)
                hit = resolve_token(s, value) if value else None
                if value and hit is not None:
                    token, user = hit
                    if needs_touch(token):
                        touch = update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=utcnow())
                    principal = Principal(user.id, user.name, user.role, "token", token_id=token.id)
                    TOKEN_CACHE.put(value, principal)
            elif cookie:
                found = resolve_session(s, cookie)
                if found is not None:
                    ws, user = found
                    if ws.last_seen_at is None or utcnow() - ws.last_seen_at > LAST_SEEN_RESOLUTION:
                        touch = (update(WebSession).where(WebSession.token_hash == ws.token_hash)
                                 .values(last_seen_at=utcnow()))
                    principal = Principal(user.id, user.name, user.role, "session", csrf_token=ws.csrf_token)
    if touch is not None:
        with ctx.sessions() as w:
            w.execute(touch)
            w.commit()
    request.state.principal = principal
    request.state.principal_resolved = True
    return principal
