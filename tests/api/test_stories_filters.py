"""The queue over HTTP: filters, counts per state, and one story's detail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.conftest import Api
from tests.api.storyqueue import URL, _audits, _get, _patch, _source_id, queue_fixture  # noqa: F401 - the fixture
from tests.queue.newsroom import T0


def test_filters_by_outlet_owner_state_and_overdue(queue: Api) -> None:
    items = _get(queue)["items"]
    flood, bridge = items[0]["id"], items[1]["id"]
    assert [i["id"] for i in _get(queue, source_id=_source_id(queue, "Foreign Daily"))["items"]] == [bridge]
    r = queue.client.post(f"{URL}/{flood}/assign-to-me", headers=queue.headers("reviewer"))
    assert r.status_code == 200 and r.json()["state"] == "assigned"
    me = _get(queue, role="reviewer", owner="me")["items"]
    assert [i["id"] for i in me] == [flood]
    assert [i["id"] for i in _get(queue, owner="none")["items"]] == [bridge]
    assert [i["id"] for i in _get(queue, state="assigned")["items"]] == [flood]
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert _patch(queue, bridge, version=1, due_at=past).status_code == 200
    assert [i["id"] for i in _get(queue, overdue="true")["items"]] == [bridge]
    assert _get(queue, overdue="true")["items"][0]["overdue"] is True
    # publication window: the bridge's latest copy is T0 + 3 h, the flood's T0 + 1 h
    assert [i["id"] for i in _get(queue, **{"from": (T0 + timedelta(hours=2)).isoformat()})["items"]] == [bridge]
    assert [i["id"] for i in _get(queue, to=(T0 + timedelta(hours=2)).isoformat())["items"]] == [flood]


def test_counts_per_state_and_overdue_are_audited(queue: Api) -> None:
    items = _get(queue)["items"]
    assert _patch(queue, items[0]["id"], version=1, state="dismissed", dismissed_reason="Không liên quan").status_code == 200
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    assert _patch(queue, items[1]["id"], version=1, due_at=past).status_code == 200
    counts = _get(queue, "/counts")
    assert counts == {"states": {"new": 1, "triaged": 0, "assigned": 0, "responding": 0, "responded": 0,
                                 "dismissed": 1}, "overdue": 1, "total": 2}
    assert ("user:viewer", "queue") in _audits(queue, "queue.read")


def test_a_story_shows_its_copies_timeline_origin_notes_and_history(queue: Api) -> None:
    bridge = _get(queue)["items"][1]
    r = queue.client.post(f"{URL}/{bridge['id']}/notes", json={"text": "Cần đối chiếu số liệu vốn đầu tư"},
                          headers=queue.headers("reviewer"))
    assert r.status_code == 201 and r.json()["text"] == "Cần đối chiếu số liệu vốn đầu tư"
    d = _get(queue, f"/{bridge['id']}")
    assert [c["outlet"] for c in d["timeline"]] == ["Báo Thử", "Foreign Daily"]
    assert [c["url"] for c in d["copies"]] == ["http://news.example.test/cau.html",
                                               "http://foreign.example.test/bridge.html"]
    assert d["origin"]["title"] == "Nghệ An khánh thành cầu Hưng Đức" and "sông Lam" in d["origin"]["text"]
    assert d["origin"]["relevance"] == "primary" and "Nghệ An" in {p["name"] for p in d["origin"]["places"]}
    assert d["origin"]["topics"]["infrastructure"] > 0
    assert [n["text"] for n in d["notes"]] == ["Cần đối chiếu số liệu vốn đầu tư"]
    assert [(e["action"], e["actor"]) for e in d["history"]] == [("created", "system"), ("copy", "system"),
                                                                 ("note", "user:reviewer")]
    assert ("user:viewer", f"story:{bridge['id']}") in _audits(queue, "story.read")
    assert ("user:reviewer", f"story:{bridge['id']}") in _audits(queue, "story.note")
    missing = queue.client.get(f"{URL}/999999", headers=queue.headers("viewer"))
    assert missing.status_code == 404 and missing.json() == {"detail": "không tìm thấy tin (story not found)"}


def test_bad_filter_values_get_422_not_a_server_error(api: Api) -> None:
    viewer = api.headers("viewer")
    for params in ({"owner": "²"}, {"owner": "someone"}, {"owner": str(2**40)}, {"topic": "a\x00b"},
                   {"source_id": str(2**40)}, {"topic": ["x"] * 51}, {"state": "disputed"}):
        r = api.client.get(URL, params=params, headers=viewer)
        assert r.status_code == 422, (params, r.text)
        assert "detail" in r.json()
    naive = api.client.get(URL, params={"from": "2026-11-20T00:00:00"}, headers=viewer)  # taken as UTC
    assert naive.status_code == 200 and naive.json() == {"items": [], "next_cursor": None}
