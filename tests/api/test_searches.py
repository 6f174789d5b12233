"""Saved searches: each user's own (admins see all), created, renamed, changed, deleted, run through
``GET /articles?search_id=``; bad input is 422, a taken name 409, someone else's search 404."""

from __future__ import annotations

import json

from sqlalchemy import select

from bantin.store.schema import AuditEvent
from tests.api.conftest import Api

URL = "/api/v1/searches"


def test_users_keep_their_own_searches_and_admins_see_everyones(api: Api) -> None:
    viewer, reviewer, admin = api.headers("viewer"), api.headers("reviewer"), api.headers("admin")
    body = {"name": "Đầu tư Nghệ An", "q": '"nghe an" dau tu', "filters": {"relevance": "primary", "topic": "economy",
                                                                         "from": "2026-01-01T00:00:00+07:00"}}
    r = api.client.post(URL, json=body, headers=viewer)
    assert r.status_code == 201, r.text
    mine = r.json()
    assert mine["name"] == body["name"] and mine["q"] == body["q"]
    assert mine["filters"] == {"relevance": "primary", "topic": "economy", "from": "2026-01-01T00:00:00+07:00"}
    other = api.client.post(URL, json={"name": "Thể thao", "q": "bóng đá"}, headers=reviewer).json()
    assert [s["id"] for s in api.client.get(URL, headers=viewer).json()["items"]] == [mine["id"]]
    assert [s["id"] for s in api.client.get(URL, headers=admin).json()["items"]] == [mine["id"], other["id"]]
    # someone else's is not there for a viewer: not visible, not changeable, not runnable
    assert api.client.patch(f"{URL}/{other['id']}", json={"name": "x"}, headers=viewer).status_code == 404
    assert api.client.delete(f"{URL}/{other['id']}", headers=viewer).status_code == 404
    assert api.client.get("/api/v1/articles", params={"search_id": other["id"]}, headers=viewer).status_code == 404
    # the same name twice is a conflict, for the same user only
    assert api.client.post(URL, json={"name": body["name"]}, headers=viewer).status_code == 409
    assert api.client.post(URL, json={"name": body["name"]}, headers=reviewer).status_code == 201


def test_change_run_and_delete_a_saved_search(api: Api) -> None:
    h = api.headers("viewer")
    sid = api.client.post(URL, json={"name": "Lũ", "q": "lũ OR lụt"}, headers=h).json()["id"]
    r = api.client.patch(f"{URL}/{sid}", json={"q": '"nghe an"', "filters": {"language": "vi"}}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["q"] == '"nghe an"' and r.json()["filters"] == {"language": "vi"} and r.json()["name"] == "Lũ"
    run = api.client.get("/api/v1/articles", params={"search_id": sid}, headers=h)
    assert run.status_code == 200 and run.json()["items"] == []
    with api.ctx.sessions() as s:
        detail = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "articles.search")).one()
    assert json.loads(detail) == {"search_id": sid, "q": '"nghe an"', "language": "vi"}
    assert api.client.delete(f"{URL}/{sid}", headers=h).status_code == 204
    assert api.client.get(URL, headers=h).json()["items"] == []
    assert api.client.delete(f"{URL}/{sid}", headers=h).status_code == 404
    with api.ctx.sessions() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("searches.%"))
                            .order_by(AuditEvent.id)).all()
    assert actions == ["searches.create", "searches.update", "searches.delete"]


def test_bad_saved_searches_are_422_and_anonymous_401(api: Api) -> None:
    h = api.headers("viewer")
    for body in ({"name": ""}, {"name": "x" * 201}, {"name": "a", "q": "x" * 201},
                 {"name": "a", "q": " ".join(["tin"] * 21)}, {"name": "a", "filters": {"topic": "dissent"}},
                 {"name": "a", "filters": {"relevance": "maybe"}}, {"name": "a", "filters": {"owner": "someone"}},
                 {"name": "a", "extra": 1}):
        r = api.client.post(URL, json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert "detail" in r.json()
    assert api.client.get(URL).status_code == 401
    cookie = api.login("viewer")
    assert cookie.post(URL, json={"name": "không CSRF"}).status_code == 403
    assert cookie.post(URL, json={"name": "có CSRF"}, headers={"X-CSRF-Token": cookie.csrf}).status_code == 201  # type: ignore[attr-defined]
