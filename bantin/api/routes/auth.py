"""Login and logout (browser sessions by cookie), and who am I."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from bantin.accounts.sessions import end_session
from bantin.api.auth import SESSION_COOKIE
from bantin.api.deps import CurrentUser, ReadSessionDep, SessionDep
from bantin.api.errors import GUARDED_ERRORS, documented
from bantin.api.login import LoginRefused, set_session_cookie, try_login
from bantin.api.roles import ANONYMOUS, requires
from bantin.api.schemas.users import LoginRequest, Me, UserPublic
from bantin.app import audit
from bantin.store.office import User

router = APIRouter(prefix="/auth", tags=["auth"], responses=GUARDED_ERRORS)
LOGIN_ERRORS = documented(s401="sai tên hoặc mật khẩu (wrong name or password)")


@router.post("/login", response_model=Me, dependencies=[requires(ANONYMOUS)], responses=LOGIN_ERRORS)
def login(body: LoginRequest, request: Request, response: Response, s: SessionDep) -> Me:
    """Over the failure limit of the account or of the address every try waits (429 + Retry-After), even
    with the right password; a successful login clears the account's failures."""
    try:
        user, ws, cookie = try_login(request, s, body.name, body.password)
    except LoginRefused as refused:
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after is not None else None
        raise HTTPException(refused.status, refused.message, headers=headers) from None
    set_session_cookie(request, response, cookie)
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
def me(s: ReadSessionDep, me: CurrentUser) -> Me:  # a read: on SQLite no write lock
    user = s.get(User, me.user_id)
    if user is None:
        raise HTTPException(401, "chưa đăng nhập (not authenticated)")
    return Me(user=UserPublic.model_validate(user), via=me.via, csrf_token=me.csrf_token)
