"""The API of response cases and tracked originals: what reviewers post is listed back to viewers, reads
are audited before the answer, roles and CSRF are enforced, and "check now" re-fetches a loopback original."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bantin.fetch.oneoff import FetchResult
from bantin.store.office import Story
from bantin.store.schema import AuditEvent
from bantin.text.normalize import normalize_vi
from tests.httpfixtures import HostileServer
from tests.responses.support import HTML, NEW_SENTENCE, article_page, make_story, store_article

PUBLISHED = {"kind": "published", "url": "https://nghean.gov.vn/thong-cao/12", "outlet": "Cổng thông tin tỉnh",
             "at": "2026-11-21T10:30:00+07:00", "summary": "Thông cáo làm rõ số liệu.", "mark_responded": True}
CORRECTION = {"kind": "correction_request", "outlet": "Báo Thử Nghiệm", "channel": "letter",
              "at": "2026-11-21T04:00:00Z", "summary": "Đề nghị đính chính."}


def _audits(api: Any, action: str) -> list[AuditEvent]:
    with api.ctx.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_posted_responses_are_listed_back_and_every_step_is_audited(api: Any) -> None:
    story = make_story(api.ctx, state="responding")
    base = f"/api/v1/stories/{story}/responses"
    for body in (PUBLISHED, CORRECTION, {**CORRECTION, "channel": "email"}):
        r = api.client.post(base, json=body, headers=api.headers("reviewer"))
        assert r.status_code == 201, r.text
    first = api.client.get(base, params={"limit": 2}, headers=api.headers("viewer")).json()
    rest = api.client.get(base, params={"limit": 2, "cursor": first["next_cursor"]},
                          headers=api.headers("viewer")).json()
    items = first["items"] + rest["items"]
    assert [(i["kind"], i["outlet"], i["channel"], i["url"]) for i in items] == [
        ("published", "Cổng thông tin tỉnh", None, "https://nghean.gov.vn/thong-cao/12"),
        ("correction_request", "Báo Thử Nghiệm", "letter", None),
        ("correction_request", "Báo Thử Nghiệm", "email", None)]
    assert items[0]["at"].startswith("2026-11-21T03:30:00") and rest["next_cursor"] is None
    with api.ctx.sessions() as s:
        assert s.get(Story, story).state == "responded"  # type: ignore[union-attr]
    assert [a.target for a in _audits(api, "response.list")] == [f"story:{story}"] * 2
    assert [a.actor for a in _audits(api, "response.published")] == ["user:reviewer"]


def test_roles_csrf_and_bad_input_are_refused_with_json_details(api: Any) -> None:
    story = make_story(api.ctx)
    base = f"/api/v1/stories/{story}/responses"
    assert api.client.post(base, json=CORRECTION, headers=api.headers("viewer")).status_code == 403
    browser = api.login("reviewer")
    assert browser.post(base, json=CORRECTION).status_code == 403  # no X-CSRF-Token
    assert browser.post(base, json=CORRECTION, headers={"X-CSRF-Token": browser.csrf}).status_code == 201
    h = api.headers("reviewer")
    for bad in ({**CORRECTION, "channel": "fax"}, {**PUBLISHED, "url": "javascript:alert(1)"},
                {**CORRECTION, "at": "2026-11-21T04:00:00"}, {**CORRECTION, "outlet": "x" * 201}):
        r = api.client.post(base, json=bad, headers=h)
        assert r.status_code == 422 and "detail" in r.json(), bad
    missing = api.client.get("/api/v1/stories/999/responses", headers=api.headers("viewer"))
    assert missing.status_code == 404 and "không tìm thấy" in missing.json()["detail"]
    assert api.client.get(f"/api/v1/stories/{2**64}/tracking", headers=api.headers("viewer")).status_code == 422
    assert api.client.get(base).status_code == 401


def test_tracking_an_original_through_the_api(api: Any) -> None:
    with HostileServer() as srv:
        url = srv.url("/bai/goc.html")
        body, sentences = article_page(0, url)
        served = {"body": body}
        srv.route("/bai/goc.html", lambda h: h.reply(200, served["body"], {"Content-Type": HTML}))
        story = make_story(api.ctx, store_article(api.ctx, url, body))
        base, h = f"/api/v1/stories/{story}/tracking", api.headers("reviewer")
        started = api.client.post(base, headers=h)
        assert started.status_code == 201, started.text
        tracked = started.json()
        assert (tracked["url"], tracked["status"], tracked["active"]) == (url, "tracking", True)
        assert api.client.post(base, headers=h).status_code == 409  # already tracked

        served["body"] = article_page(0, url, replace=(sentences[2], NEW_SENTENCE))[0]
        checked = api.client.post(f"{base}/{tracked['id']}/check", headers=h)
        assert checked.status_code == 200, checked.text
    listed = api.client.get(base, headers=api.headers("viewer")).json()
    [check] = listed[0]["checks"]
    assert (listed[0]["status"], check["outcome"], check["http_status"]) == ("changed", "changed", 200)
    assert f"-{normalize_vi(sentences[2])}" in check["diff"] and f"+{NEW_SENTENCE}" in check["diff"]
    assert [a.target for a in _audits(api, "tracking.list")] == [f"story:{story}"]
    assert len(_audits(api, "tracking.check")) == 1

    stopped = api.client.delete(f"{base}/{tracked['id']}", headers=h)
    assert stopped.status_code == 200 and stopped.json()["active"] is False
    assert len(stopped.json()["checks"]) == 1  # stopping keeps the checks
    again = api.client.post(f"{base}/{tracked['id']}/check", headers=h)
    assert again.status_code == 409 and "ngừng" in again.json()["detail"]
    assert api.client.delete(f"{base}/{tracked['id']}", headers=api.headers("viewer")).status_code == 403


def test_an_original_that_cannot_be_fetched_is_a_502_and_nothing_is_tracked(api: Any) -> None:
    url = "https://bao.example.test/bai/da-xoa.html"
    api.app.state.tracking_fetcher = lambda urls: {u: FetchResult(u, u, 404, {}, b"", None, 0.0) for u in urls}
    story = make_story(api.ctx)
    base = f"/api/v1/stories/{story}/tracking"
    r = api.client.post(base, json={"url": url}, headers=api.headers("reviewer"))
    assert r.status_code == 502 and "không tải được" in r.json()["detail"]
    assert api.client.post(base, headers=api.headers("reviewer")).status_code == 422  # no origin article
    assert api.client.get(base, headers=api.headers("viewer")).json() == []
