"""Who may see a page: ``dependencies=[page("reviewer")]`` on every web route, the same roles as the API
(api/roles.py; tests/web/test_web_role_matrix.py calls every page as every role).

Anonymous callers are sent to the login page (htmx requests get ``HX-Redirect``); a role too low gets the
403 page; an unsafe method needs the session's CSRF token, from the form field ``csrf_token`` (plain
forms) or the ``X-CSRF-Token`` header (htmx sends it from ``hx-headers`` on <body>), masked per page
(web/csrf.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request

from bantin.api.roles import ANONYMOUS, CSRF_HEADER, UNSAFE_METHODS, Principal, RoleGuard
from bantin.web import csrf

CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No (valid) session: the handler in web/app.py redirects to /login?next=<this page>."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageGuard(RoleGuard):
    async def __call__(self, request: Request) -> Principal | None:  # type: ignore[override]
        from bantin.api.auth import authenticate

        principal = authenticate(request)
        request.state.principal = principal
        if self.role == ANONYMOUS:
            return principal
        if principal is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target if request.method == "GET" else "/")
        if principal.via == "session" and request.method in UNSAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER)
            if not sent and request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")):
                form = await request.form()
                value = form.get(CSRF_FIELD)
                sent = value if isinstance(value, str) else None
            if not csrf.matches(sent, principal.csrf_token):
                raise HTTPException(403, "csrf")
        if not principal.has(self.role):
            raise HTTPException(403, "role")
        return principal


def page(role: str) -> Any:
    """The route dependency declaring (and enforcing) the least role a page needs."""
    return Depends(PageGuard(role))


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="/")
