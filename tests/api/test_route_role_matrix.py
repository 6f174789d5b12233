"""Every route of the app × every caller (anonymous, viewer, reviewer, analyst, admin): the status each gets
matches the role the route declares. The table is built from ``app.routes``, so routes added later are
covered without touching this file.

Expected: anonymous -> 401 on a guarded route; a role below the declared one -> 403; at or above -> anything
but 401/403 (404 for a missing item and 422 for a minimal body are fine). Path parameters are filled with 1.
Each call uses a freshly issued token, so a route that revokes tokens or ends sessions (DELETE /tokens/1)
cannot change what the next call is.
"""

from __future__ import annotations

import enum
import typing
from typing import Any

from bantin.api.roles import ANONYMOUS, RANK, UNSAFE_METHODS, api_routes, route_role
from bantin.store.office import ROLES
from tests.api.conftest import Api

CALLERS = (ANONYMOUS, *ROLES)


def fill(annotation: Any) -> Any:
    """A valid-looking value for a path parameter of this type."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return args[0]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(iter(annotation)).value
    if args:  # Annotated / Optional: the first concrete type
        return fill(next(a for a in args if a is not type(None)))
    return 1


def concrete_path(route: Any) -> str:
    values = {p.name: fill(p.field_info.annotation) for p in route.dependant.path_params}
    return route.path_format.format(**values)


def calls(api: Api) -> list[tuple[Any, str]]:
    """The API's routes (the web pages answer HTML and redirects: tests/web/test_web_role_matrix.py)."""
    from bantin.api.app import API_PREFIX

    return [(r, m) for r in api_routes(api.app) if r.path.startswith(API_PREFIX) for m in sorted(r.methods)]


def expected_ok(declared: str, caller: str, status: int) -> bool:
    if declared == ANONYMOUS or RANK[caller] >= RANK[declared]:
        return status not in (401, 403)
    return status == (401 if caller == ANONYMOUS else 403)


def fresh_headers(api: Api, role: str) -> dict[str, str]:
    from sqlalchemy import select

    from bantin.accounts.tokens import issue_token
    from bantin.store.office import User

    with api.ctx.sessions() as s:
        user = s.scalars(select(User).where(User.name == role)).one()
        plain = issue_token(s, user, "matrix", "test")[1]
        s.commit()
    return {"Authorization": f"Bearer {plain}"}


def request(client: Any, method: str, path: str, headers: dict[str, str]) -> int:
    kwargs: dict[str, Any] = {"headers": headers}
    if method in UNSAFE_METHODS:
        kwargs["json"] = {}
    return int(client.request(method, path, **kwargs).status_code)


def test_every_route_answers_each_role_as_it_declares(api: Api) -> None:
    table, mismatches = [], []
    for route, method in calls(api):
        declared = route_role(route)
        assert declared is not None, f"{method} {route.path} declares no role"
        path = concrete_path(route)
        row = [f"{method:6} {route.path:40} {declared:9}"]
        for caller in CALLERS:
            status = request(api.client, method, path, {} if caller == ANONYMOUS else fresh_headers(api, caller))
            ok = expected_ok(declared, caller, status)
            row.append(f"{caller}={status}{'' if ok else ' ✗'}")
            if not ok:
                mismatches.append(f"{method} {route.path} as {caller}: {status} (declares {declared})")
        table.append("  ".join(row))
    assert len(table) >= 10  # health, auth, users, tokens, audit at least
    assert mismatches == [], "\n" + "\n".join(table)


def test_cookie_sessions_need_the_csrf_header_on_every_unsafe_guarded_route(api: Api) -> None:
    client = api.login("admin")
    refused = {}
    for route, method in calls(api):
        if method in UNSAFE_METHODS and route_role(route) != ANONYMOUS:
            r = client.request(method, concrete_path(route), json={})
            refused[f"{method} {route.path}"] = (r.status_code, "CSRF" in r.json()["detail"])
    assert refused and all(v == (403, True) for v in refused.values()), refused
    assert client.get("/api/v1/auth/me").status_code == 200  # the session survived every refused call
