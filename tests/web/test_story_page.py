"""The story page as officers read it: the origin's text, every copy with its outlet (the foreign one
marked), the spread timeline, the Vietnamese topic name and the places found; audited before rendering;
what a viewer may not do is neither shown nor accepted; an unknown story is the 404 page."""

from __future__ import annotations

import re

from tests.queue.newsroom import BRIDGE
from tests.web.conftest import Web
from tests.web.storydata import BRIDGE_TITLE, audits, newsroom_queue, story, text_of


def test_the_page_shows_the_origin_text_every_copy_the_topic_and_the_places(web: Web) -> None:
    ids = newsroom_queue(web)
    page = web.login("viewer").get(f"/stories/{ids['bridge']}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert BRIDGE_TITLE in text
    assert "Cây cầu dài hơn 600 mét, tổng vốn đầu tư gần 500 tỉ đồng" in text  # the origin's text
    assert BRIDGE.split(". ")[0] in text
    assert "Bài gốc" in text and "Quá trình lan truyền" in text  # Vietnamese headings
    # every copy: the outlet, the foreign one marked, its link opening safely in a new tab
    assert "Báo Thử bài gốc" in text and "Foreign Daily nước ngoài" in text
    assert re.search(r'<a href="http://foreign\.example\.test/bridge\.html" rel="noopener noreferrer" '
                     r'target="_blank">', page.text)
    # the timeline: the foreign copy three hours after the first, in the SVG and the table
    assert "+3 giờ" in text and "<svg class=\"timeline\"" in page.text
    assert "style=" not in page.text  # CSP: no inline styles
    # topics by their taxonomy names, relevance and the places found
    assert "hạ tầng – giao thông" in text
    assert "chủ yếu về tỉnh" in text
    assert "Nghệ An (tỉnh" in text and "TP Vinh" in text
    assert audits(web, "story.read") == [("user:viewer", f"story:{ids['bridge']}")]


def test_a_viewer_sees_no_action_or_label_buttons_and_cannot_post(web: Web) -> None:
    ids = newsroom_queue(web)
    sid = ids["bridge"]
    viewer = web.login("viewer")
    page = viewer.get(f"/stories/{sid}").text
    for action in ("/change", "/notes", "/labels", "/responses", "/tracking"):
        assert f'action="/stories/{sid}{action}"' not in page, action
    assert "Nhận xử lý" not in page and "Đúng:" not in page and "Phân loại" not in page
    csrf = viewer.csrf  # type: ignore[attr-defined]
    version = story(web, sid).version
    for path, data in ((f"/stories/{sid}/change", {"version": version, "action": "triaged"}),
                       (f"/stories/{sid}/notes", {"text": "xem"}),
                       (f"/stories/{sid}/labels", {"kind": "topic", "value": "economy"}),
                       (f"/stories/{sid}/responses", {"kind": "correction_request"}),
                       (f"/stories/{sid}/tracking", {})):
        r = viewer.post(path, data={**data, "csrf_token": csrf})
        assert r.status_code == 403, path
        assert "Vai trò của bạn không cho phép" in r.text
    assert story(web, sid).state == "new"


def test_a_reviewer_sees_the_actions_but_not_the_label_buttons(web: Web) -> None:
    ids = newsroom_queue(web)
    page = web.login("reviewer").get(f"/stories/{ids['bridge']}").text
    assert "Phân loại" in page and "Nhận xử lý" in page and "Bỏ qua" in page
    assert f'action="/stories/{ids["bridge"]}/labels"' not in page
    analyst = web.login("analyst").get(f"/stories/{ids['bridge']}").text
    assert f'action="/stories/{ids["bridge"]}/labels"' in analyst and "Đúng: hạ tầng – giao thông" in analyst


def test_an_unknown_story_is_the_404_page(web: Web) -> None:
    client = web.login("viewer")
    r = client.get("/stories/987654")
    assert r.status_code == 404
    assert "Không tìm thấy" in r.text and "Không có tin mang số này." in r.text
    assert client.get(f"/stories/{2**64}").status_code == 422  # beyond any id: refused before the database
    anonymous = web.client.get("/stories/1")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=/stories/1")


def test_the_page_is_in_english_on_the_toggle(web: Web) -> None:
    ids = newsroom_queue(web)
    client = web.login("analyst")
    client.cookies.set("bantin_lang", "en")
    text = text_of(client.get(f"/stories/{ids['bridge']}").text)
    assert "The origin article" in text and "infrastructure & transport" in text and "+3 h" in text
