"""The model registry over the API (analyst): versions with their scores, promotion through the gate,
a forced promotion that needs a reason, rollback, and the articles to label next — each audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from bantin.classify.registry.evalset import freeze_eval
from bantin.store.schema import AuditEvent
from tests.api.conftest import Api
from tests.classify.test_labels import add_articles
from tests.classify.test_registry import register, swapped, synthetic_rows


def _audits(api: Api, action: str) -> list[dict]:  # type: ignore[type-arg]
    with api.ctx.sessions() as s:
        return [json.loads(e.detail or "{}") | {"actor": e.actor}
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def _two_versions(api: Api) -> None:
    """demo v1 (good) and v2 (wrong on every row), and a frozen evaluation set to compare them on."""
    models = api.ctx.settings.models_dir
    freeze_eval(models, "demo", synthetic_rows(10, seed=7), source="eval", actor="test")
    with api.ctx.sessions() as s:
        register(s, models, "demo", synthetic_rows())
        register(s, models, "demo", swapped(synthetic_rows()))


def test_analyst_promotes_through_the_gate_forces_with_a_reason_and_rolls_back(api: Api) -> None:
    _two_versions(api)
    h = api.headers("analyst")
    listed = api.client.get("/api/v1/models", headers=h).json()["items"]
    assert [(m["name"], m["version"], m["status"]) for m in listed] == [("demo", 1, "candidate"), ("demo", 2, "candidate")]
    assert listed[0]["metrics"]["artifact"]["format"] == "skops"
    first = api.client.post("/api/v1/models/demo/promote", json={"version": 1}, headers=h)
    assert first.status_code == 200, first.text
    assert first.json()["promoted"]["status"] == "promoted" and first.json()["previous"] is None
    refused = api.client.post("/api/v1/models/demo/promote", json={"version": 2}, headers=h)
    assert refused.status_code == 409 and "below" in refused.json()["detail"]
    no_reason = api.client.post("/api/v1/models/demo/promote", json={"version": 2, "force": True}, headers=h)
    assert no_reason.status_code == 422 and "reason" in json.dumps(no_reason.json()["detail"])
    forced = api.client.post("/api/v1/models/demo/promote",
                             json={"version": 2, "force": True, "reason": "thử mô hình xấu (demo)"}, headers=h)
    assert forced.status_code == 200, forced.text
    body = forced.json()
    assert body["forced"] is True and body["previous"]["version"] == 1
    assert body["new_macro_f1"] < body["previous_macro_f1"] and body["reclassify"] is None
    back = api.client.post("/api/v1/models/demo/rollback", headers=h).json()
    assert (back["restored"]["version"], back["rolled_back"]["status"]) == (1, "rolled_back")
    statuses = [(m["version"], m["status"]) for m in api.client.get("/api/v1/models", headers=h).json()["items"]]
    assert statuses == [(1, "promoted"), (2, "rolled_back")]
    promotions = _audits(api, "model.promote")
    assert [(a["version"], a["forced"], a["actor"]) for a in promotions] == [
        (1, False, "user:analyst"), (2, True, "user:analyst")]
    assert promotions[1]["reason"] == "thử mô hình xấu (demo)"
    assert [(a["from_version"], a["to_version"]) for a in _audits(api, "model.rollback")] == [(2, 1)]


def test_unknown_models_and_impossible_rollbacks_are_said_in_one_line(sqlite_api: Api) -> None:
    api = sqlite_api
    h = api.headers("analyst")
    r = api.client.post("/api/v1/models/nope/promote", json={}, headers=h)
    assert r.status_code == 404 and r.json()["detail"] == "không tìm thấy mô hình (model not found) 'nope'"
    models = api.ctx.settings.models_dir
    with api.ctx.sessions() as s:
        register(s, models, "demo", synthetic_rows())
    r = api.client.post("/api/v1/models/demo/rollback", headers=h)
    assert r.status_code == 422 and "no promoted version" in r.json()["detail"]
    assert api.client.post("/api/v1/models/demo/promote", json={"version": 9}, headers=h).status_code == 422
    assert api.client.post("/api/v1/models/demo/promote", json={"version": 2**40}, headers=h).status_code == 422
    assert api.client.post("/api/v1/models/..%2Fetc/rollback", headers=h).status_code in (404, 422)
    assert api.client.post("/api/v1/models/Bad%00Name/rollback", headers=h).status_code == 422


def test_the_model_list_pages_by_name_and_version(sqlite_api: Api) -> None:
    api = sqlite_api
    models = api.ctx.settings.models_dir
    with api.ctx.sessions() as s:
        for name in ("beta", "alpha", "alpha"):
            register(s, models, name, synthetic_rows(5))
    h = api.headers("analyst")
    first = api.client.get("/api/v1/models?limit=2", headers=h).json()
    assert [(m["name"], m["version"]) for m in first["items"]] == [("alpha", 1), ("alpha", 2)]
    rest = api.client.get(f"/api/v1/models?limit=2&cursor={first['next_cursor']}", headers=h).json()
    assert [(m["name"], m["version"]) for m in rest["items"]] == [("beta", 1)] and rest["next_cursor"] is None
    from bantin.api.listing.pagination import encode_cursor

    bad = api.client.get(f"/api/v1/models?cursor={encode_cursor('alpha', 'x')}", headers=h)
    assert bad.status_code == 422 and bad.json()["detail"] == "cursor không hợp lệ (invalid cursor)"


def test_models_are_for_analysts_only(sqlite_api: Api) -> None:
    api = sqlite_api
    for role in ("viewer", "reviewer"):
        assert api.client.get("/api/v1/models", headers=api.headers(role)).status_code == 403
        assert api.client.post("/api/v1/models/demo/rollback", headers=api.headers(role)).status_code == 403
    assert api.client.get("/api/v1/models", headers=api.headers("admin")).status_code == 200


def test_uncertain_lists_what_to_label_next_and_audits_the_read_first(api: Api) -> None:
    with api.ctx.sessions() as s:
        add_articles(s, [("Khai giảng năm học mới", "Học sinh Nghệ An khai giảng năm học mới tại trường."),
                         ("Giá lúa tăng", "Nông dân bán lúa được giá, xuất khẩu gạo tăng."),
                         ("Bóng đá", "Sông Lam Nghệ An thắng trận đấu trên sân nhà.")])
        s.commit()
    r = api.client.get("/api/v1/models/uncertain?limit=2", headers=api.headers("analyst"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == "default" and len(body["items"]) == 2
    assert all(len(u["top"]) == 3 and u["margin"] >= 0 for u in body["items"])
    [event] = _audits(api, "model.uncertain")
    assert (event["actor"], event["rows"], event["limit"]) == ("user:analyst", 2, 2)
    too_many = api.client.get("/api/v1/models/uncertain?limit=100000", headers=api.headers("analyst"))
    assert too_many.status_code == 422
