"""Login and logout (browser sessions by cookie), and who am I."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from bantin.accounts.sessions import end_session, start_session
from bantin.accounts.users import verify_login
from bantin.api.auth import SESSION_COOKIE
from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.errors import GUARDED_ERRORS, documented
from bantin.api.roles import ANONYMOUS, requires
from bantin.api.schemas.users import LoginRequest, Me, UserPublic
from bantin.api.security import login_throttle
from bantin.app import audit
from bantin.store.office import User

router = APIRouter(prefix="/auth", tags=["auth"], responses=GUARDED_ERRORS)
LOGIN_ERRORS = documented(s401="sai tên hoặc mật khẩu (wrong name or password)")


@router.post("/login", response_model=Me, dependencies=[requires(ANONYMOUS)], responses=LOGIN_ERRORS)
def login(body: LoginRequest, request: Request, response: Response, s: SessionDep) -> Me:
    """Over the failure limit of the account or of the address every try waits (429 + Retry-After), even
    with the right password; a successful login clears the account's failures."""
    settings = request.app.state.ctx.settings
    throttle = login_throttle(request.app)
    address = _client(request)
    wait = throttle.retry_after(body.name, address)
    if wait is not None:
        audit.record(s, f"anonymous:{address}", "auth.login_throttled", audit_target=f"user:{body.name}")
        s.commit()
        raise HTTPException(429, f"quá nhiều lần đăng nhập sai, thử lại sau {wait} giây (too many failed logins; "
                                 f"retry after {wait} s)", headers={"Retry-After": str(wait)})
    user = verify_login(s, body.name, body.password)
    if user is None:
        throttle.failed(body.name, address)
        audit.record(s, f"anonymous:{address}", "auth.login_failed", audit_target=f"user:{body.name}")
        s.commit()
        raise HTTPException(401, "sai tên đăng nhập hoặc mật khẩu (wrong name or password)")
    throttle.succeeded(body.name)
    ws, cookie = start_session(s, user, settings.session_hours)
    audit.record(s, f"user:{user.name}", "auth.login", audit_target=f"user:{user.name}")
    s.commit()
    response.set_cookie(SESSION_COOKIE, cookie, max_age=settings.session_hours * 3600, httponly=True,
                        samesite="lax", secure=settings.cookie_secure, path="/")
    return Me(user=UserPublic.model_validate(user), via="session", csrf_token=ws.csrf_token)


@router.post("/logout", status_code=204, dependencies=[requires("viewer")])
def logout(request: Request, response: Response, s: SessionDep, me: CurrentUser) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        end_session(s, cookie)
    audit.record(s, me.actor, "auth.logout", audit_target=f"user:{me.name}")
    s.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.status_code = 204
    return response


@router.get("/me", response_model=Me, dependencies=[requires("viewer")])
def me(s: SessionDep, me: CurrentUser) -> Me:
    user = s.get(User, me.user_id)
    if user is None:
        raise HTTPException(401, "chưa đăng nhập (not authenticated)")
    return Me(user=UserPublic.model_validate(user), via=me.via, csrf_token=me.csrf_token)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
