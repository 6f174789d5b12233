"""Working the queue over HTTP: versions, refused moves, history, bulk actions, roles and CSRF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.conftest import Api
from tests.api.storyqueue import URL, _get, _patch, _user_id, queue_fixture  # noqa: F401 - the fixture


def test_a_stale_version_gets_409_and_a_refused_move_422(queue: Api) -> None:
    sid = _get(queue)["items"][0]["id"]
    ok = _patch(queue, sid, version=1, state="triaged")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = _patch(queue, sid, version=1, state="dismissed", dismissed_reason="trùng")
    assert stale.status_code == 409 and "stale version" in stale.json()["detail"]
    refused = _patch(queue, sid, version=2, state="responded")
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("không thể chuyển từ triaged sang responded")
    no_reason = _patch(queue, sid, version=2, state="dismissed")
    assert no_reason.status_code == 422 and "dismissing needs a reason" in no_reason.json()["detail"]
    assert _get(queue, f"/{sid}")["story"]["state"] == "triaged"


def test_history_says_who_changed_what_and_when(queue: Api) -> None:
    sid = _get(queue)["items"][0]["id"]
    before = datetime.now(UTC)
    owner = _user_id(queue, "analyst")
    assert _patch(queue, sid, version=1, owner_id=owner, priority="urgent").status_code == 200
    hist = _get(queue, f"/{sid}/history")
    changes = [(e["action"], e["actor"], e["from_state"], e["to_state"], e["detail"]) for e in hist[1:]]
    assert changes[0][:4] == ("state", "user:reviewer", "new", "assigned")
    assert changes[1] == ("owner", "user:reviewer", None, None, {"from": None, "to": owner})
    assert changes[2][:2] == ("priority", "user:reviewer") and changes[2][4] == {"from": "normal", "to": "urgent"}
    assert all(datetime.fromisoformat(e["at"]) >= before - timedelta(seconds=1) for e in hist[1:])
    story = _get(queue, f"/{sid}")["story"]
    assert datetime.fromisoformat(story["due_at"]) == datetime.fromisoformat(story["created_at"]) + timedelta(hours=4)


def test_bulk_actions_answer_per_story(queue: Api) -> None:
    ids = [i["id"] for i in _get(queue)["items"]]
    r = queue.client.post(f"{URL}/bulk", json={"ids": [*ids, 999999], "state": "triaged"},
                          headers=queue.headers("reviewer"))
    assert r.status_code == 200
    assert [(i["id"], i["status"]) for i in r.json()["items"]] == [(ids[0], 200), (ids[1], 200), (999999, 404)]
    again = queue.client.post(f"{URL}/bulk", json={"ids": ids, "state": "responding"},
                              headers=queue.headers("reviewer")).json()["items"]
    assert {i["status"] for i in again} == {422}
    assert {i["state"] for i in _get(queue)["items"]} == {"triaged"}
    too_many = queue.client.post(f"{URL}/bulk", json={"ids": list(range(1, 202)), "state": "triaged"},
                                 headers=queue.headers("reviewer"))
    assert too_many.status_code == 422


def test_viewers_read_but_do_not_change_cookies_need_csrf_and_assign_to_me_checks_the_version(queue: Api) -> None:
    sid = _get(queue)["items"][0]["id"]
    assert _patch(queue, sid, role="viewer", version=1, state="triaged").status_code == 403
    browser = queue.login("reviewer")
    no_csrf = browser.patch(f"{URL}/{sid}", json={"version": 1, "state": "triaged"})
    assert no_csrf.status_code == 403
    with_csrf = browser.patch(f"{URL}/{sid}", json={"version": 1, "state": "triaged"},
                              headers={"X-CSRF-Token": browser.csrf})  # type: ignore[attr-defined]
    assert with_csrf.status_code == 200 and with_csrf.json()["state"] == "triaged"
    stale = queue.client.post(f"{URL}/{sid}/assign-to-me", json={"version": 1}, headers=queue.headers("reviewer"))
    assert stale.status_code == 409
    mine = queue.client.post(f"{URL}/{sid}/assign-to-me", json={"version": 2}, headers=queue.headers("analyst"))
    assert mine.status_code == 200 and (mine.json()["state"], mine.json()["version"]) == ("assigned", 3)
