"""Signing in and out, and the language toggle (remembered in a cookie).

The login form carries a double-submit token (a cookie set with the form, and the same value in a hidden
field) so that another site cannot sign a browser in to an account of its choosing (login CSRF).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bantin.accounts.sessions import end_session
from bantin.api.auth import SESSION_COOKIE
from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.login import LoginRefused, set_session_cookie, try_login
from bantin.api.roles import ANONYMOUS
from bantin.app import audit
from bantin.web import i18n
from bantin.web.guard import page
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "bantin_login"
# Names and passwords longer than this are not ours (the API's LoginRequest has the same bounds).
MAX_NAME_CHARS = 100
MAX_PASSWORD_CHARS = 1024
MAX_NEXT_CHARS = 2000


def safe_next(target: str | None) -> str:
    """Only a path of this site (never //host or a scheme): no open redirect through ?next=."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:MAX_NEXT_CHARS]


def _login_page(request: Request, next_url: str, error: str | None = None, status: int = 200,
                name: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status_code=status, next_url=next_url, error=error,
                      login_token=token, name=name)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login", dependencies=[page(ANONYMOUS)])
def login_form(request: Request, next: str | None = None) -> Response:
    if getattr(request.state, "principal", None) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


@router.post("/login", dependencies=[page(ANONYMOUS)])
def login(request: Request, s: SessionDep,
          name: Annotated[str, Form(max_length=MAX_NAME_CHARS)] = "",
          password: Annotated[str, Form(max_length=MAX_PASSWORD_CHARS)] = "",
          login_token: Annotated[str, Form(max_length=100)] = "",
          next: Annotated[str, Form(max_length=MAX_NEXT_CHARS)] = "/") -> Response:
    target = safe_next(next)
    cookie_token = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie_token or not hmac.compare_digest(cookie_token.encode(), login_token.encode()):
        return _login_page(request, target, i18n._("The form expired; please sign in again."), 400, name)
    try:
        _user, _ws, cookie = try_login(request, s, name.strip(), password)
    except LoginRefused as refused:
        if refused.status == 429:
            message = i18n._("Too many failed sign-ins. Try again in %(seconds)s seconds.",
                             seconds=refused.retry_after)
        else:
            message = i18n._("Wrong user name or password.")
        return _login_page(request, target, message, refused.status, name)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, cookie)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[page("viewer")])
def logout(request: Request, s: SessionDep, me: CurrentUser) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        end_session(s, cookie)
    audit.record(s, me.actor, "auth.logout", audit_target=f"user:{me.name}")
    s.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/lang", dependencies=[page(ANONYMOUS)])
def set_language(lang: Annotated[str, Form(max_length=5)] = i18n.DEFAULT_LOCALE,
                 next: Annotated[str, Form(max_length=MAX_NEXT_CHARS)] = "/") -> Response:
    """Switch between Vietnamese and English; the choice is remembered for a year (a preference only)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(i18n.LANG_COOKIE, lang if lang in i18n.LOCALES else i18n.DEFAULT_LOCALE,
                        max_age=i18n.LANG_COOKIE_MAX_AGE, samesite="lax", path="/")
    return response
