"""The queue over HTTP: the list, its pages, and the audit row written and committed before any answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bantin.api.routes.review import stories as stories_route
from bantin.store.schema import AuditEvent
from tests.api.conftest import Api
from tests.api.storyqueue import URL, _get, _patch, queue_fixture  # noqa: F401 - the fixture


def test_the_list_shows_each_story_once_newest_first(queue: Api) -> None:
    page = _get(queue)
    assert [i["title"] for i in page["items"]] == ["Lũ quét cuốn trôi nhà ở xã Mường Típ",
                                                  "Nghệ An khánh thành cầu Hưng Đức"]
    bridge = page["items"][1]
    assert (bridge["copies"], bridge["outlets"], bridge["foreign_outlets"]) == (2, ["Báo Thử", "Foreign Daily"], 1)
    assert (bridge["state"], bridge["relevance"], bridge["version"], bridge["overdue"]) == ("new", "primary", 1, False)
    assert page["next_cursor"] is None


def test_the_list_pages_with_a_cursor(queue: Api) -> None:
    first = _get(queue, limit=1)
    second = _get(queue, limit=1, cursor=first["next_cursor"])
    assert [len(first["items"]), len(second["items"])] == [1, 1]
    assert first["items"][0]["id"] > second["items"][0]["id"] and second["next_cursor"] is None
    bad = queue.client.get(URL, params={"cursor": "bm90LWEtbGlzdA"}, headers=queue.headers("viewer"))
    assert bad.status_code == 422 and "cursor" in bad.json()["detail"]


def test_every_queue_read_is_audited_and_committed_before_the_answer(queue: Api,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = stories_route.story_query

    def spying(filters: Any, now: datetime) -> Any:  # another connection sees the record before the query runs
        with queue.ctx.read_sessions() as other:
            seen.append(len(other.execute(select(AuditEvent.id).where(AuditEvent.action == "queue.read")).all()))
        return real(filters, now)

    monkeypatch.setattr(stories_route, "story_query", spying)
    stories_route._page_statement.cache_clear()  # a page statement built by an earlier test would not be rebuilt
    _get(queue, state=["new", "triaged"], relevance="primary")
    assert seen == [1]
    with queue.ctx.sessions() as s:
        row = s.scalar(select(AuditEvent).where(AuditEvent.action == "queue.read"))
    assert row is not None and row.actor == "user:viewer" and row.target == "queue"
    assert '"states": ["new", "triaged"]' in (row.detail or "") and '"relevance": ["primary"]' in (row.detail or "")


def test_a_read_that_cannot_be_recorded_is_not_answered(queue: Api) -> None:
    """The database refuses audit rows (a trigger): the queue read fails instead of answering unrecorded."""
    from sqlalchemy import text

    refuse = {"sqlite": ["CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN "
                         "SELECT RAISE(ABORT, 'audit log unavailable'); END"],
              "postgresql": ["CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS "
                             "$$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$",
                             "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log FOR EACH ROW "
                             "EXECUTE FUNCTION no_audit()"]}
    with queue.ctx.engine.begin() as c:
        for ddl in refuse[queue.ctx.engine.dialect.name]:
            c.execute(text(ddl))
    client = TestClient(queue.app, raise_server_exceptions=False)  # what a caller gets, not the traceback
    r = client.get(URL, headers=queue.headers("viewer"))
    assert r.status_code == 500 and r.json() == {"detail": "lỗi máy chủ (internal error; it was logged)"}
    assert "Nghệ An" not in r.text


def test_the_list_page_is_exactly_its_schema_and_agrees_with_each_story(queue: Api) -> None:
    """The list writes its JSON from dicts (api/listing/jsonpage.py), not through the model: it must be the bytes'
    meaning the model would have written, and each item the story its own route (built by the model) shows."""
    import json

    from bantin.api.listing.pagination import Page
    from bantin.api.schemas.stories import StoryPublic

    first = _get(queue)["items"][0]
    r = _patch(queue, first["id"], version=first["version"], due_at="2026-12-24T08:30:00.250000Z", priority="high")
    assert r.status_code == 200, r.text
    raw = queue.client.get(URL, headers=queue.headers("viewer"))
    page = Page[StoryPublic].model_validate_json(raw.content)
    assert json.loads(page.model_dump_json()) == raw.json()
    assert raw.json()["items"][0]["due_at"] == "2026-12-24T08:30:00.250000Z"
    for item in raw.json()["items"]:
        assert _get(queue, f"/{item['id']}")["story"] == item
