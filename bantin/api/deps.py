"""Dependencies of the routes, as ``Annotated`` aliases: the app context, sessions, the caller.

The quick ones are ``async def``: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-off
to a thread and back for each (~0.1-0.2 ms of CPU apiece at 300 requests/s, bench/api_cpu.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from bantin.api.roles import Principal
from bantin.app.context import AppContext
from bantin.app.settings import Settings


async def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    """A session that may write; the route commits (audit first, then output)."""
    with request.app.state.ctx.sessions() as s:
        yield s


def get_read_session(request: Request) -> Iterator[Session]:
    """A session that only reads: on SQLite it never takes the write lock."""
    with request.app.state.ctx.read_sessions() as s:
        yield s


def principal_of(request: Request) -> Principal:
    """The caller the route's guard authenticated (``CurrentUser`` without a dependency of its own: the hot
    list routes read it and the context from the request, two sub-dependencies fewer for FastAPI to solve)."""
    principal = getattr(request.state, "principal", None)
    if principal is None:  # a route that needs a user must declare a role above anonymous
        raise HTTPException(401, "chưa đăng nhập (not authenticated)")
    return principal  # type: ignore[no-any-return]


def ctx_of(request: Request) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


async def get_principal(request: Request) -> Principal:
    return principal_of(request)


CtxDep = Annotated[AppContext, Depends(get_ctx)]
SessionDep = Annotated[Session, Depends(get_session)]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
CurrentUser = Annotated[Principal, Depends(get_principal)]


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.ctx.settings  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
