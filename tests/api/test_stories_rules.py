"""Queue rules and response times over HTTP (admin): what they let in, how they are checked and audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bantin.store.schema import AuditEvent
from tests.api.conftest import Api
from tests.queue.newsroom import BRIDGE, INDUSTRY, RATES, Newsroom

RULES = "/api/v1/rules"


def _audit(api: Api, action: str) -> list[str | None]:
    with api.ctx.sessions() as s:
        return list(s.scalars(select(AuditEvent.target).where(AuditEvent.action == action)))


def test_an_admins_rule_lets_a_mention_into_the_queue(api: Api) -> None:
    admin = api.headers("admin")
    r = api.client.post(RULES, json={"name": "khu công nghiệp", "relevance": ["mention"], "priority": "high"},
                        headers=admin)
    assert r.status_code == 201, r.text
    rule = r.json()
    assert (rule["relevance"], rule["topics"], rule["priority"], rule["created_by"]) == (
        ["mention"], [], "high", "user:admin")
    assert _audit(api, "rule.create") == [f"rule:{rule['id']}"]
    news = Newsroom(api.ctx)
    news.publish("Báo Thử", "vsip", "VSIP được cấp phép 5 khu công nghiệp", INDUSTRY)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.classify()
    items = api.client.get("/api/v1/stories", headers=api.headers("viewer")).json()["items"]
    assert [(i["title"], i["entered_by"], i["priority"]) for i in items] == [
        ("VSIP được cấp phép 5 khu công nghiệp", "rule:khu công nghiệp", "high")]


def test_rules_are_checked_changed_and_deleted_by_admins_only(api: Api) -> None:
    admin = api.headers("admin")
    assert api.client.post(RULES, json={"name": "x"}, headers=api.headers("analyst")).status_code == 403
    assert api.client.get(RULES, headers=api.headers("reviewer")).status_code == 403
    unknown = api.client.post(RULES, json={"name": "x", "source_ids": [424242]}, headers=admin)
    assert unknown.status_code == 422 and "unknown source id" in unknown.json()["detail"]
    bad = api.client.post(RULES, json={"name": "x", "relevance": ["dissent"]}, headers=admin)
    assert bad.status_code == 422
    rid = api.client.post(RULES, json={"name": "thể thao", "topics": ["sports"]}, headers=admin).json()["id"]
    assert api.client.post(RULES, json={"name": "thể thao"}, headers=admin).status_code == 409
    r = api.client.patch(f"{RULES}/{rid}", json={"enabled": False, "languages": ["vi", "en"]}, headers=admin)
    assert r.status_code == 200 and (r.json()["enabled"], r.json()["languages"]) == (False, ["vi", "en"])
    assert [x["name"] for x in api.client.get(RULES, headers=admin).json()] == ["thể thao"]
    assert api.client.delete(f"{RULES}/{rid}", headers=admin).status_code == 204
    assert api.client.get(RULES, headers=admin).json() == []
    assert api.client.delete(f"{RULES}/{rid}", headers=admin).status_code == 404
    assert _audit(api, "rule.update") == _audit(api, "rule.delete") == [f"rule:{rid}"]


def test_response_times_set_the_due_dates_of_new_stories(api: Api) -> None:
    admin = api.headers("admin")
    times = api.client.get("/api/v1/response-times", headers=admin).json()
    assert [(t["priority"], t["hours"], t["default"]) for t in times] == [
        ("urgent", 4, True), ("high", 24, True), ("normal", 72, True), ("low", 168, True)]
    r = api.client.put("/api/v1/response-times/normal", json={"hours": 8}, headers=admin)
    assert r.status_code == 200 and {"priority": "normal", "hours": 8, "default": False} in r.json()
    assert api.client.put("/api/v1/response-times/normal", json={"hours": 0}, headers=admin).status_code == 422
    assert api.client.put("/api/v1/response-times/someday", json={"hours": 5}, headers=admin).status_code == 422
    assert api.client.put("/api/v1/response-times/low", json={"hours": 5},
                          headers=api.headers("reviewer")).status_code == 403
    assert _audit(api, "response_time.set") == ["response_time:normal"]
    news = Newsroom(api.ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.classify()
    [story] = api.client.get("/api/v1/stories", headers=api.headers("viewer")).json()["items"]
    due, created = datetime.fromisoformat(story["due_at"]), datetime.fromisoformat(story["created_at"])
    assert due - created == timedelta(hours=8)
