"""Working a story on its page: a reviewer triages, takes it and writes a note (the database, the history
row, the audit row, and the page showing them); a stale version is refused with a clear message and the
typed reason kept; an analyst confirms or corrects the topic and relevance in one click (the label row
with who and when, shown on the page; htmx gets the labelling block only)."""

from __future__ import annotations

from sqlalchemy import select

from bantin.queue.actions import StoryChange, apply_change
from bantin.store.office import StoryEvent, StoryNote
from bantin.store.schema import Label
from tests.web.conftest import Web
from tests.web.storydata import audits, newsroom_queue, story, text_of

STALE = "Tin đã được người khác thay đổi, hãy tải lại"


def _events(web: Web, sid: int) -> list[tuple[str, str, str | None, str | None]]:
    with web.ctx.sessions() as s:
        return list(s.execute(select(StoryEvent.actor, StoryEvent.action, StoryEvent.from_state, StoryEvent.to_state)
                              .where(StoryEvent.story_id == sid).order_by(StoryEvent.id)).all())


def test_a_reviewer_triages_and_adds_a_note(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    client = web.login("reviewer")
    csrf = client.csrf  # type: ignore[attr-defined]
    r = client.post(f"/stories/{sid}/change", data={"version": 1, "action": "triaged", "csrf_token": csrf})
    assert r.status_code == 303 and r.headers["location"] == f"/stories/{sid}#work"
    row = story(web, sid)
    assert (row.state, row.version) == ("triaged", 2)
    assert ("user:reviewer", "state", "new", "triaged") in _events(web, sid)
    assert audits(web, "story.update") == [("user:reviewer", f"story:{sid}")]

    r = client.post(f"/stories/{sid}/notes", data={"text": "Đã gọi cho toà soạn để xác minh số liệu.",
                                                    "csrf_token": csrf})
    assert r.status_code == 303 and r.headers["location"].endswith("#notes")
    with web.ctx.sessions() as s:
        [note] = s.scalars(select(StoryNote).where(StoryNote.story_id == sid))
        assert note.text == "Đã gọi cho toà soạn để xác minh số liệu." and note.user_id is not None
    assert ("user:reviewer", "note", None, None) in _events(web, sid)
    assert audits(web, "story.note") == [("user:reviewer", f"story:{sid}")]

    text = text_of(client.get(f"/stories/{sid}").text)
    assert "Trạng thái đã phân loại" in text  # the header
    assert "Trạng thái: mới → đã phân loại reviewer" in text  # the history: what, who
    assert "Đã gọi cho toà soạn để xác minh số liệu. reviewer ·" in text  # the note, who
    assert "Thêm ghi chú reviewer" in text


def test_assign_to_me_then_start_responding(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    client = web.login("reviewer")
    csrf = client.csrf  # type: ignore[attr-defined]
    assert client.post(f"/stories/{sid}/change", data={"version": 1, "action": "assign_me",
                                                       "csrf_token": csrf}).status_code == 303
    page = client.get(f"/stories/{sid}").text
    assert "Bắt đầu phản hồi" in page and "Người phụ trách reviewer" in text_of(page)
    assert client.post(f"/stories/{sid}/change", data={"version": 2, "action": "responding",
                                                       "csrf_token": csrf}).status_code == 303
    assert story(web, sid).state == "responding"


def test_a_stale_version_says_so_and_keeps_the_typed_reason(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    client = web.login("reviewer")
    client.get(f"/stories/{sid}")  # read at version 1
    with web.ctx.sessions() as s:  # meanwhile another officer triages it
        apply_change(s, sid, StoryChange(version=1, state="triaged"), "user:admin")
        s.commit()
    reason = "Tin trùng với thông cáo đã đăng hôm qua"
    r = client.post(f"/stories/{sid}/change", data={"version": 1, "action": "dismissed", "reason": reason,
                                                    "csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert r.status_code == 409
    assert STALE in r.text
    assert f">{reason}</textarea>" in r.text  # nothing typed is lost
    assert 'name="version" value="2"' in r.text  # the page now carries the current version
    assert story(web, sid).state == "triaged"
    htmx = client.post(f"/stories/{sid}/change", headers={"HX-Request": "true"},
                       data={"version": 1, "action": "triaged", "csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert htmx.status_code == 200 and STALE in htmx.text  # htmx swaps only 2xx answers


def test_dismissing_without_a_reason_and_a_refused_move_get_one_line_messages(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    client = web.login("reviewer")
    csrf = client.csrf  # type: ignore[attr-defined]
    r = client.post(f"/stories/{sid}/change", data={"version": 1, "action": "dismissed", "reason": " ",
                                                    "csrf_token": csrf})
    assert r.status_code == 422 and "Cần nêu lý do bỏ qua." in r.text
    r = client.post(f"/stories/{sid}/change", data={"version": 1, "action": "responded", "csrf_token": csrf})
    assert r.status_code == 422 and "không thể chuyển từ new sang responded" in r.text
    r = client.post(f"/stories/{sid}/change", data={"version": 1, "action": "due", "due_at": "ngày mai",
                                                    "csrf_token": csrf})
    assert r.status_code == 422 and "Hãy nhập hạn xử lý" in r.text and 'value="ngày mai"' in r.text
    assert story(web, sid).version == 1


def test_an_analyst_corrects_the_topic_in_one_click(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    origin = story(web, sid).origin_article_id
    client = web.login("analyst")
    r = client.post(f"/stories/{sid}/labels", data={"kind": "topic", "value": "economy",
                                                    "csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert r.status_code == 303 and r.headers["location"] == f"/stories/{sid}#labels"
    with web.ctx.sessions() as s:
        [label] = s.scalars(select(Label).where(Label.article_id == origin))
        assert (label.kind, label.value, label.labeller) == ("topic", "economy", "user:analyst")
        assert label.created_at is not None
    text = text_of(client.get(f"/stories/{sid}").text)
    assert "kinh tế – đầu tư (chủ đề) — analyst," in text


def test_an_analyst_confirms_the_relevance_through_htmx_and_gets_the_block(web: Web) -> None:
    sid = newsroom_queue(web)["bridge"]
    client = web.login("analyst")
    r = client.post(f"/stories/{sid}/labels", headers={"HX-Request": "true"},
                    data={"kind": "relevance", "value": "primary", "csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="labels"') and "<html" not in r.text
    assert "Đã lưu nhãn." in r.text and "chủ yếu về tỉnh (mức liên quan) — analyst," in text_of(r.text)
    with web.ctx.sessions() as s:
        [label] = s.scalars(select(Label))
        assert (label.kind, label.value, label.province, label.labeller) == (
            "relevance", "primary", "Nghệ An", "user:analyst")
    bad = client.post(f"/stories/{sid}/labels", headers={"HX-Request": "true"},
                      data={"kind": "topic", "value": "dissent", "csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert bad.status_code == 200 and "Nhãn này không có trong bảng phân loại." in bad.text
    reviewer = web.login("reviewer")
    refused = reviewer.post(f"/stories/{sid}/labels", data={"kind": "topic", "value": "economy",
                                                            "csrf_token": reviewer.csrf})  # type: ignore[attr-defined]
    assert refused.status_code == 403


def test_dismiss_and_reopen_with_their_reasons_in_the_history(web: Web) -> None:
    sid = newsroom_queue(web)["flood"]
    client = web.login("reviewer")
    csrf = client.csrf  # type: ignore[attr-defined]
    assert client.post(f"/stories/{sid}/change", data={"version": 1, "action": "dismissed", "csrf_token": csrf,
                                                       "reason": "Tin cũ, đã xử lý"}).status_code == 303
    page = client.get(f"/stories/{sid}").text
    assert "Lý do mở lại" in page and 'value="assign_me"' not in page  # closed: only reopening
    assert client.post(f"/stories/{sid}/change", data={"version": 2, "action": "new", "csrf_token": csrf,
                                                       "reason": "Báo đăng lại"}).status_code == 303
    row = story(web, sid)
    assert (row.state, row.dismissed_reason) == ("new", None)
    text = text_of(client.get(f"/stories/{sid}").text)
    assert "Trạng thái: mới → đã bỏ qua; lý do: Tin cũ, đã xử lý" in text
    assert "Trạng thái: đã bỏ qua → mới; lý do: Báo đăng lại" in text
    assert "Đưa vào hàng đợi (mức liên quan: chủ yếu về tỉnh)" in text


def test_posting_to_an_unknown_story_is_the_404_page(web: Web) -> None:
    client = web.login("analyst")
    csrf = client.csrf  # type: ignore[attr-defined]
    for path, data in (("/stories/9999/change", {"version": 1, "action": "triaged"}),
                       ("/stories/9999/notes", {"text": "x"}), ("/stories/9999/labels", {"kind": "topic"}),
                       ("/stories/9999/responses", {"kind": "correction_request", "outlet": "Báo Thử",
                                                    "channel": "email", "at": "2026-11-21T10:00"})):
        r = client.post(path, data={**data, "csrf_token": csrf})
        assert r.status_code == 404 and "Không có tin mang số này." in r.text, path
