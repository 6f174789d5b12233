"""Signing in, for the API's JSON login and the web's login form alike: the throttle (per account and per
address, api/throttle.py: it counts the ``auth.login_failed`` audit rows written here), the password check,
the new session, and their audit rows."""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from bantin.accounts.sessions import start_session
from bantin.accounts.users import verify_login
from bantin.api.auth import SESSION_COOKIE
from bantin.api.security import login_throttle
from bantin.app import audit
from bantin.store.office import User, WebSession


class LoginRefused(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def try_login(request: Request, s: Session, name: str, password: str) -> tuple[User, WebSession, str]:
    """(user, session row, cookie value), committed with its audit row; or :class:`LoginRefused` (429 while
    throttled, even with the right password; 401 for a wrong name or password)."""
    throttle = login_throttle(request.app)
    address = client_address(request)
    wait = throttle.retry_after(s, name, address)
    if wait is not None:
        audit.record(s, f"anonymous:{address}", "auth.login_throttled", audit_target=f"user:{name}")
        s.commit()
        raise LoginRefused(429, f"quá nhiều lần đăng nhập sai, thử lại sau {wait} giây (too many failed logins; "
                                f"retry after {wait} s)", wait)
    user = verify_login(s, name, password)
    if user is None:
        audit.record(s, f"anonymous:{address}", "auth.login_failed", audit_target=f"user:{name}")
        s.commit()
        raise LoginRefused(401, "sai tên đăng nhập hoặc mật khẩu (wrong name or password)")
    ws, cookie = start_session(s, user, request.app.state.ctx.settings.session_hours)
    audit.record(s, f"user:{user.name}", "auth.login", audit_target=f"user:{user.name}")
    s.commit()
    return user, ws, cookie


def set_session_cookie(request: Request, response: Response, cookie: str) -> None:
    settings = request.app.state.ctx.settings
    response.set_cookie(SESSION_COOKIE, cookie, max_age=settings.session_hours * 3600, httponly=True,
                        samesite="lax", secure=settings.cookie_secure, path="/")
