"""Every page of the app × every caller (anonymous, viewer, reviewer, analyst, admin, signed in through the
login form): the answer matches the role the route declares with ``page(...)`` (web/guard.py). The table is
built from the app's routes (``api_routes``), so pages merged later are covered without editing this file.

Expected, for a GET page: anonymous -> 303 to ``/login?next=<the page>`` (unless the page is ANONYMOUS); a
role below the declared one -> the 403 HTML page; at or above -> anything but 401/403 (a missing item's 404
and a 422 are fine). For an unsafe method (POST/PUT/PATCH/DELETE): without the page's CSRF token -> 403, even
for an admin; with it, a role below -> 403. Those refusals happen in the guard, before the handler, so no
call here changes anything. Path parameters are filled as tests/api/test_route_role_matrix.py fills them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bantin.api.roles import ANONYMOUS, RANK, UNSAFE_METHODS, api_routes, route_role
from bantin.store.office import ROLES
from tests.api.test_route_role_matrix import concrete_path
from tests.web.conftest import Web

NOT_PAGES = ("/api", "/openapi.json", "/static")
CSRF_REFUSED = "Trang đã quá cũ hoặc đến từ nơi khác"  # error.html, reason "csrf" (Vietnamese)
ROLE_REFUSED = "Vai trò của bạn không cho phép"  # error.html, reason "role"


def page_calls(web: Web) -> list[tuple[Any, str]]:
    routes = [r for r in api_routes(web.app) if not r.path.startswith(NOT_PAGES)]
    return [(r, m) for r in routes for m in sorted(r.methods) if m != "HEAD"]


def is_html(r: Any) -> bool:
    return str(r.headers.get("content-type", "")).startswith("text/html")


def check_get(declared: str, caller: str, path: str, r: Any) -> bool:
    if declared == ANONYMOUS or (caller != ANONYMOUS and RANK[caller] >= RANK[declared]):
        return r.status_code not in (401, 403)
    if caller == ANONYMOUS:
        return r.status_code == 303 and r.headers.get("location") == "/login?next=" + quote(path, safe="/")
    return r.status_code == 403 and is_html(r) and ROLE_REFUSED in r.text


def test_every_web_route_declares_a_role(web: Web) -> None:
    calls = page_calls(web)
    assert any(r.path == "/" for r, _m in calls) and any(r.path == "/login" for r, _m in calls)
    undeclared = sorted({f"{m} {r.path}" for r, m in calls if route_role(r) is None})
    assert undeclared == [], "pages without page(role) (web/guard.py): " + ", ".join(undeclared)


def test_every_page_answers_each_role_as_it_declares(web: Web) -> None:
    clients: dict[str, Any] = {ANONYMOUS: web.client, **{role: web.login(role) for role in ROLES}}
    table, mismatches = [], []
    for route, method in page_calls(web):
        declared = route_role(route)
        if declared is None:
            mismatches.append(f"{method} {route.path} declares no role")
            continue
        path = concrete_path(route)
        row = [f"{method:6} {route.path:32} {declared:9}"]
        for caller, client in clients.items():
            if method in UNSAFE_METHODS:
                if declared == ANONYMOUS:
                    continue  # /login, /lang: nothing to guard (the login form has its own token)
                status, ok = unsafe_call(client, caller, declared, method, path)
            else:
                r = client.get(path)
                status, ok = r.status_code, check_get(declared, caller, path, r)
            row.append(f"{caller}={status}{'' if ok else ' ✗'}")
            if not ok:
                mismatches.append(f"{method} {route.path} as {caller}: {status} (declares {declared})")
        table.append("  ".join(row))
    assert mismatches == [], "\n" + "\n".join(table)


def unsafe_call(client: Any, caller: str, declared: str, method: str, path: str) -> tuple[str, bool]:
    """Without the CSRF token (every caller), then with it (callers below the role); both must be refused."""
    if caller == ANONYMOUS:
        r = client.request(method, path, data={})
        return str(r.status_code), r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    bare = client.request(method, path, data={"csrf_token": "forged"})
    ok = bare.status_code == 403 and is_html(bare) and CSRF_REFUSED in bare.text
    status = f"{bare.status_code}"
    if RANK[caller] < RANK[declared]:
        signed = client.request(method, path, data={"csrf_token": client.csrf})
        ok = ok and signed.status_code == 403 and ROLE_REFUSED in signed.text
        status += f"/{signed.status_code}"
    return status, ok


def test_htmx_calls_without_a_token_are_refused_too(web: Web) -> None:
    """The header htmx sends (X-CSRF-Token) is checked like the form field: a wrong one is refused."""
    admin = web.login("admin")
    unsafe = [(r, m) for r, m in page_calls(web) if m in UNSAFE_METHODS and route_role(r) != ANONYMOUS]
    assert unsafe  # at least POST /logout
    for route, method in unsafe:
        r = admin.request(method, concrete_path(route), headers={"HX-Request": "true", "X-CSRF-Token": "forged"})
        assert r.status_code == 403, f"{method} {route.path}: {r.status_code}"
    assert admin.get("/").status_code == 200  # still signed in
