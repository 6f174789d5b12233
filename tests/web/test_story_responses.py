"""The response case on the story page: a reviewer records a published response and a correction request
(listed back to a viewer, the story marked responded); bad input keeps what was typed; a tracked original
whose text changed shows the sentences removed and added (<del>/<ins> with words, not colour alone)."""

from __future__ import annotations

import re

from sqlalchemy import select

from bantin.fetch.oneoff import FetchResult
from bantin.store.office import ResponseCase, TrackedOriginal
from tests import pagefactory as pf
from tests.queue.newsroom import BRIDGE, T0
from tests.web.conftest import Web
from tests.web.storydata import BRIDGE_TITLE, audits, newsroom_queue, story, text_of

OLD = "Người dân hai bờ sông phấn khởi vì không còn phải đi vòng xa như trước"
NEW = "Người dân hai bờ sông phản ánh nhiều hạng mục phụ trợ vẫn còn dang dở"


def _to_responding(web: Web, sid: int) -> None:
    from bantin.queue.actions import StoryChange, apply_change
    from bantin.store.office import User

    with web.ctx.sessions() as s:
        owner = s.scalar(select(User.id).where(User.name == "reviewer"))
        apply_change(s, sid, StoryChange(version=None, owner_id=owner), "user:admin")
        apply_change(s, sid, StoryChange(version=None, state="responding"), "user:admin")
        s.commit()


def test_a_published_response_and_a_correction_request_are_recorded_and_listed(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    _to_responding(web, sid)
    client = web.login("reviewer")
    csrf = client.csrf  # type: ignore[attr-defined]
    r = client.post(f"/stories/{sid}/responses", data={
        "kind": "published", "url": "https://nghean.gov.vn/thong-cao/12", "outlet": "Cổng thông tin tỉnh",
        "at": "2026-11-21T10:30", "summary": "Thông cáo làm rõ tiến độ dự án", "mark_responded": "1",
        "csrf_token": csrf})
    assert r.status_code == 303 and r.headers["location"] == f"/stories/{sid}#response"
    r = client.post(f"/stories/{sid}/responses", data={
        "kind": "correction_request", "outlet": "Foreign Daily", "channel": "email", "at": "2026-11-21T11:00",
        "csrf_token": csrf})
    assert r.status_code == 303
    with web.ctx.sessions() as s:
        rows = list(s.scalars(select(ResponseCase).where(ResponseCase.story_id == sid).order_by(ResponseCase.id)))
    assert [(c.kind, c.outlet, c.channel) for c in rows] == [
        ("published", "Cổng thông tin tỉnh", None), ("correction_request", "Foreign Daily", "email")]
    assert rows[0].at is not None and rows[0].at.hour == 3  # 10:30 Vietnam time is 03:30 UTC
    assert story(web, sid).state == "responded"
    assert [a for a, _t in audits(web, "response.published")] == ["user:reviewer"]

    text = text_of(web.login("viewer").get(f"/stories/{sid}").text)
    assert "Đã đăng phản hồi — Cổng thông tin tỉnh · 10:30 21/11/26" in text
    assert "Thông cáo làm rõ tiến độ dự án" in text
    assert "Đã đề nghị đính chính — Foreign Daily · thư điện tử" in text
    assert "Người ghi: reviewer" in text
    assert "Ghi nhận tin phản hồi đã đăng (Cổng thông tin tỉnh)" in text  # the history


def test_a_refused_response_keeps_what_was_typed(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    client = web.login("reviewer")
    r = client.post(f"/stories/{sid}/responses", data={
        "kind": "published", "url": "javascript:alert(1)", "outlet": "Cổng thông tin tỉnh", "at": "2026-11-21T10:30",
        "summary": "Bản tóm tắt dài đã gõ", "csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert r.status_code == 422
    assert "địa chỉ không hợp lệ" in r.text
    assert 'value="Cổng thông tin tỉnh"' in r.text and ">Bản tóm tắt dài đã gõ</textarea>" in r.text
    r = client.post(f"/stories/{sid}/responses", data={"kind": "correction_request", "outlet": "Báo Thử",
                                                       "channel": "fax", "at": "2026-11-21T10:30",
                                                       "csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert r.status_code == 422 and "Hãy chọn hình thức đề nghị đính chính." in r.text
    with web.ctx.sessions() as s:
        assert s.scalars(select(ResponseCase)).first() is None


def test_a_tracked_original_that_changed_shows_the_sentence_diff(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    client = web.login("reviewer")
    csrf = client.csrf  # type: ignore[attr-defined]
    r = client.post(f"/stories/{sid}/tracking", data={"csrf_token": csrf})  # the stored origin is the baseline
    assert r.status_code == 303 and r.headers["location"].endswith("#tracking")
    with web.ctx.sessions() as s:
        [tracked] = s.scalars(select(TrackedOriginal).where(TrackedOriginal.story_id == sid))
        tracked_id, url = tracked.id, tracked.url
    assert url == "http://news.example.test/cau.html"
    again = client.post(f"/stories/{sid}/tracking", data={"csrf_token": csrf})
    assert again.status_code == 409 and "bản gốc này đang được theo dõi" in again.text

    edited = pf.page(BRIDGE_TITLE, BRIDGE.replace(OLD, NEW), url, T0)
    web.app.state.tracking_fetcher = lambda urls: {
        u: FetchResult(u, u, 200, {"content-type": "text/html; charset=utf-8"}, edited, None, 0.0) for u in urls}
    r = client.post(f"/stories/{sid}/tracking/{tracked_id}/check", data={"csrf_token": csrf})
    assert r.status_code == 303
    page = client.get(f"/stories/{sid}").text
    assert re.search(r'<span class="diff-tag">Đã xoá:</span> <del>[^<]*phấn khởi[^<]*</del>', page)
    assert re.search(r'<span class="diff-tag">Đã thêm:</span> <ins>[^<]*dang dở[^<]*</ins>', page)
    text = text_of(page)
    assert "đã thay đổi" in text and "Bắt đầu theo dõi bài gốc" in text
    assert [a for a, _t in audits(web, "tracking.check")] == ["user:reviewer"]

    assert client.post(f"/stories/{sid}/tracking/{tracked_id}/stop", data={"csrf_token": csrf}).status_code == 303
    page = client.get(f"/stories/{sid}").text
    assert "đã ngừng theo dõi" in page and "<del>" in page  # stopping keeps the checks
    assert f"/tracking/{tracked_id}/check" not in page
    missing = client.post(f"/stories/{sid}/tracking/999/stop", data={"csrf_token": csrf})
    assert missing.status_code == 404 and "không tìm thấy bản gốc theo dõi" in missing.text
