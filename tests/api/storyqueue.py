"""Shared by the tests/api/test_stories*.py files: a queue with two province stories, request helpers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bantin.store.office import User
from bantin.store.schema import AuditEvent
from tests.api.conftest import Api
from tests.queue.newsroom import two_province_stories

URL = "/api/v1/stories"


@pytest.fixture(name="queue")
def queue_fixture(api: Api) -> Api:
    """Two province stories (the bridge with a foreign copy, the flood) and an unrelated article."""
    two_province_stories(api.ctx)
    return api


def _get(api: Api, path: str = "", role: str = "viewer", **params: Any) -> Any:
    r = api.client.get(URL + path, params=params, headers=api.headers(role))
    assert r.status_code == 200, r.text
    return r.json()


def _patch(api: Api, sid: int, role: str = "reviewer", **body: Any) -> Any:
    return api.client.patch(f"{URL}/{sid}", json=body, headers=api.headers(role))


def _user_id(api: Api, name: str) -> int:
    with api.ctx.sessions() as s:
        uid = s.scalar(select(User.id).where(User.name == name))
    assert uid is not None
    return uid


def _audits(api: Api, action: str) -> list[tuple[str, str | None]]:
    with api.ctx.sessions() as s:
        return list(s.execute(select(AuditEvent.actor, AuditEvent.target).where(AuditEvent.action == action)).all())


def _source_id(api: Api, name: str) -> int:
    from bantin.store.schema import Source

    with api.ctx.sessions() as s:
        sid = s.scalar(select(Source.id).where(Source.name == name))
    assert sid is not None
    return sid
