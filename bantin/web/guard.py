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

from bantin.api.roles import CSRF_HEADER, Principal, RoleGuard
from bantin.web import csrf

CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No (valid) session: the handler in web/app.py redirects to /login?next=<this page>."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageGuard(RoleGuard):
    """RoleGuard's steps answered as pages: the login page instead of 401, the 403 page, and the CSRF token
    from a plain form's field as well as the header."""

    async def __call__(self, request: Request) -> Principal | None:  # type: ignore[override]
        principal = self.signed_in(request)
        if self.needs_csrf(request, principal):
            sent = request.headers.get(CSRF_HEADER)
            if not sent and request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")):
                value = (await request.form()).get(CSRF_FIELD)
                sent = value if isinstance(value, str) else None
            self.check_csrf(principal, sent)  # type: ignore[arg-type]
        return self.checked(request, principal)

    def check_csrf(self, principal: Principal, sent: str | None) -> None:
        if not csrf.matches(sent, principal.csrf_token):
            raise HTTPException(403, "csrf")

    def not_signed_in(self, request: Request) -> Exception:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return LoginRequired(target if request.method == "GET" else "/")

    def role_too_low(self) -> Exception:
        return HTTPException(403, "role")


def page(role: str) -> Any:
    """The route dependency declaring (and enforcing) the least role a page needs."""
    return Depends(PageGuard(role))


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="/")
