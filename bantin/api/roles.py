"""Roles and the guard every route declares: ``dependencies=[requires("reviewer")]``.

viewer < reviewer < analyst < admin: each role has the rights of those before it (an analyst may triage,
an admin may do everything). ``requires(ANONYMOUS)`` marks the few routes open to everyone (health,
login); tests/api/test_auth_basics.py fails for a route without a guard, and tests/api/test_route_role_matrix.py
calls every route (:func:`api_routes`) as every role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from bantin.store.office import ROLES

ANONYMOUS = "anonymous"
RANK = {ANONYMOUS: 0, **{role: i + 1 for i, role in enumerate(ROLES)}}
# Methods that change state: with cookie authentication they need the session's CSRF token.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user through a browser session or an API token."""

    user_id: int
    name: str
    role: str
    via: str  # session | token
    csrf_token: str | None = None
    token_id: int | None = None

    @property
    def actor(self) -> str:
        return f"user:{self.name}"

    def has(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


class RoleGuard:
    """The dependency behind :func:`requires`: authenticates, checks the role and CSRF, and leaves the
    principal on ``request.state.principal`` (None for anonymous routes without credentials). The web's
    PageGuard (web/guard.py) runs the same steps (:meth:`checked`) and answers them as pages."""

    def __init__(self, role: str) -> None:
        if role not in RANK:
            raise ValueError(f"unknown role {role!r}")
        self.role = role

    async def __call__(self, request: Request) -> Principal | None:
        """On the event loop: a cached token costs no thread hand-off; a lookup runs in the thread pool."""
        from bantin.api.auth import UNKNOWN, authenticate, known_principal

        principal = known_principal(request)
        if principal is UNKNOWN:
            principal = await run_in_threadpool(authenticate, request)
        assert principal is None or isinstance(principal, Principal)
        request.state.principal = principal
        if self.needs_csrf(request, principal):
            self.check_csrf(principal, request.headers.get(CSRF_HEADER))  # type: ignore[arg-type]
        return self.checked(request, principal)

    def signed_in(self, request: Request) -> Principal | None:
        from bantin.api.auth import authenticate

        principal = authenticate(request)
        request.state.principal = principal
        return principal

    def needs_csrf(self, request: Request, principal: Principal | None) -> bool:
        return (self.role != ANONYMOUS and principal is not None and principal.via == "session"
                and request.method in UNSAFE_METHODS)

    def check_csrf(self, principal: Principal, sent: str | None) -> None:
        if not sent or sent != principal.csrf_token:
            raise HTTPException(403, f"thiếu hoặc sai mã CSRF (missing or wrong {CSRF_HEADER} header)")

    def not_signed_in(self, request: Request) -> Exception:
        return HTTPException(401, "chưa đăng nhập (not authenticated)", headers={"WWW-Authenticate": "Bearer"})

    def role_too_low(self) -> Exception:
        return HTTPException(403, f"cần quyền {self.role} (needs the {self.role} role)")

    def checked(self, request: Request, principal: Principal | None) -> Principal | None:
        """The principal when it may call the route (CSRF already checked); else the refusal is raised."""
        if self.role == ANONYMOUS:
            return principal
        if principal is None:
            raise self.not_signed_in(request)
        if not principal.has(self.role):
            raise self.role_too_low()
        return principal


def requires(role: str) -> Any:
    """The route dependency declaring (and enforcing) the least role a route needs."""
    return Depends(RoleGuard(role))


def route_role(route: object) -> str | None:
    """The role a route declared through :func:`requires`, or None (the route test fails on None)."""
    for dep in getattr(route, "dependencies", []) or []:
        if isinstance(getattr(dep, "dependency", None), RoleGuard):
            return dep.dependency.role  # type: ignore[no-any-return, union-attr]
    return None


def api_routes(app: Any) -> list[Any]:
    """Every FastAPI route of ``app`` with its full path, methods, dependencies and path parameters.

    FastAPI >= 0.16x keeps included routers as branches of ``app.routes``; their routes (with the prefix and
    the router's dependencies applied) are reached through ``fastapi.routing.iter_route_contexts``.
    """
    from fastapi.routing import APIRoute

    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [rc for rc in iter_route_contexts(app.routes) if isinstance(rc.original_route, APIRoute)]
