"""Analysts' labels over the API: stored with who and when, listed for viewers, removed by their author (or an
admin) with an audit row, refused with one line when the topic, the value or the article is unknown."""

from __future__ import annotations

import json

from sqlalchemy import select

from bantin.classify.labels import topic_keys
from bantin.store.schema import AuditEvent, Label
from tests.api.conftest import Api
from tests.classify.test_labels import add_articles


def _article(api: Api) -> int:
    with api.ctx.sessions() as s:
        (aid,) = add_articles(s, [("Khai giảng năm học mới", "Học sinh Nghệ An khai giảng.")])
        s.commit()
    return aid


def test_analyst_labels_an_article_and_viewers_see_who_and_when(api: Api) -> None:
    aid, topic = _article(api), topic_keys()[0]
    h = api.headers("analyst")
    r = api.client.post(f"/api/v1/articles/{aid}/labels", json={"kind": "topic", "value": topic}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["created"] is True and r.json()["label"]["labeller"] == "user:analyst"
    again = api.client.post(f"/api/v1/articles/{aid}/labels", json={"kind": "topic", "value": topic}, headers=h)
    assert again.status_code == 200 and again.json()["created"] is False
    rel = api.client.post(f"/api/v1/articles/{aid}/labels", json={"kind": "relevance", "value": "primary"}, headers=h)
    assert rel.json()["label"]["province"] == api.ctx.settings.province
    swap = api.client.post(f"/api/v1/articles/{aid}/labels", json={"kind": "relevance", "value": "mention"}, headers=h)
    assert swap.json()["replaced"] == ["primary"]
    listed = api.client.get(f"/api/v1/articles/{aid}/labels", headers=api.headers("viewer")).json()["items"]
    assert [(x["kind"], x["value"], x["labeller"]) for x in listed] == [
        ("topic", topic, "user:analyst"), ("relevance", "mention", "user:analyst")]
    assert all(x["created_at"] for x in listed)
    first = api.client.get(f"/api/v1/articles/{aid}/labels?limit=1", headers=api.headers("viewer")).json()
    rest = api.client.get(f"/api/v1/articles/{aid}/labels?limit=1&cursor={first['next_cursor']}",
                          headers=api.headers("viewer")).json()
    assert [x["value"] for x in first["items"] + rest["items"]] == [topic, "mention"] and rest["next_cursor"] is None


def test_removing_a_label_is_audited_and_only_its_author_or_an_admin_may(api: Api) -> None:
    aid, topic = _article(api), topic_keys()[0]
    url = f"/api/v1/articles/{aid}/labels"
    lid = api.client.post(url, json={"kind": "topic", "value": topic}, headers=api.headers("analyst")).json()["label"]["id"]
    with api.ctx.sessions() as s:  # another analyst's label
        s.add(Label(article_id=aid, kind="topic", value=topic_keys()[1], labeller="user:someone-else"))
        s.commit()
        other = s.scalar(select(Label.id).where(Label.labeller == "user:someone-else"))
    assert api.client.delete(f"{url}/{other}", headers=api.headers("analyst")).status_code == 403
    assert api.client.delete(f"{url}/{lid}", headers=api.headers("analyst")).status_code == 204
    assert api.client.delete(f"{url}/{other}", headers=api.headers("admin")).status_code == 204
    assert api.client.delete(f"{url}/{lid}", headers=api.headers("analyst")).status_code == 404
    assert api.client.get(url, headers=api.headers("viewer")).json() == {"items": [], "next_cursor": None}
    with api.ctx.sessions() as s:
        events = [(e.actor, e.target, json.loads(e.detail or "{}")) for e in
                  s.scalars(select(AuditEvent).where(AuditEvent.action == "labels.remove").order_by(AuditEvent.id))]
    assert [(a, t, d["value"], d["labeller"], d["removed"]) for a, t, d in events] == [
        ("user:analyst", f"article:{aid}", topic, "user:analyst", 1),
        ("user:admin", f"article:{aid}", topic_keys()[1], "user:someone-else", 1)]


def test_unknown_topics_values_and_articles_are_refused(sqlite_api: Api) -> None:
    api = sqlite_api
    aid = _article(api)
    h = api.headers("analyst")
    r = api.client.post(f"/api/v1/articles/{aid}/labels", json={"kind": "topic", "value": "bieu_tinh"}, headers=h)
    assert r.status_code == 422 and "unknown topic key" in r.json()["detail"]
    r = api.client.post(f"/api/v1/articles/{aid}/labels", json={"kind": "relevance", "value": "maybe"}, headers=h)
    assert r.status_code == 422 and "primary, mention, none" in r.json()["detail"]
    assert api.client.post(f"/api/v1/articles/{aid}/labels", json={"kind": "dissent", "value": "x"},
                           headers=h).status_code == 422
    missing = api.client.get("/api/v1/articles/999999/labels", headers=api.headers("viewer"))
    assert missing.status_code == 404 and missing.json()["detail"] == "không tìm thấy bài (article not found) 999999"
    assert api.client.get(f"/api/v1/articles/{2**70}/labels", headers=api.headers("viewer")).status_code == 422
    assert api.client.post(f"/api/v1/articles/{aid}/labels", json={"kind": "topic", "value": topic_keys()[0]},
                           headers=api.headers("reviewer")).status_code == 403
