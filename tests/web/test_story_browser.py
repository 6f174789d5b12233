"""The story page in Chromium: an analyst confirms the topic in one click and triages (htmx swaps, no
reload, no console error under the CSP), records a correction request and tracks the original, whose
changed text shows as a diff. Screenshots ``story`` and ``story-response`` for people to look at."""

from __future__ import annotations

from typing import Any

from bantin.fetch.oneoff import FetchResult
from tests import pagefactory as pf
from tests.api.conftest import PASSWORD
from tests.queue.newsroom import BRIDGE, T0
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name
from tests.web.storydata import BRIDGE_TITLE, newsroom_queue, story
from tests.web.test_story_responses import NEW, OLD


def test_working_a_story_in_the_browser(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    page = browser_page
    sid = newsroom_queue(web)["bridge"]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "analyst", PASSWORD.format(role="analyst"))
    page.goto(f"{base}/stories/{sid}")
    assert page.locator("h1").inner_text() == BRIDGE_TITLE
    screenshot(page, "story", db_name(web))

    page.click("#labels button.primary >> nth=0")  # "Đúng: hạ tầng – giao thông"
    page.wait_for_selector("#labels .ok")
    assert "analyst" in page.locator("#labels .labels-given").inner_text()
    page.click("#work button:has-text('Phân loại')")
    page.wait_for_selector(".story-head .state-triaged")
    assert story(web, sid).state == "triaged"

    page.click("#response summary")
    page.check("input[name=kind][value=correction_request]")
    page.fill("#r-outlet", "Foreign Daily")
    page.select_option("#r-channel", "email")
    page.fill("#r-summary", "Đề nghị đính chính số liệu vốn đầu tư")
    page.click("#response button[type=submit].primary")
    page.wait_for_selector("#response .response-correction_request")

    edited = pf.page(BRIDGE_TITLE, BRIDGE.replace(OLD, NEW), "http://news.example.test/cau.html", T0)
    web.app.state.tracking_fetcher = lambda urls: {
        u: FetchResult(u, u, 200, {"content-type": "text/html; charset=utf-8"}, edited, None, 0.0) for u in urls}
    page.click("#tracking button:has-text('Bắt đầu theo dõi')")
    page.wait_for_selector("#tracking button:has-text('Kiểm tra ngay')")
    page.click("#tracking button:has-text('Kiểm tra ngay')")
    page.wait_for_selector("#tracking .diff del")
    assert "dang dở" in page.locator("#tracking .diff ins").inner_text()
    page.locator("#response").scroll_into_view_if_needed()
    screenshot(page, "story-response", db_name(web))
    page.set_viewport_size({"width": 800, "height": 1024})  # a tablet: one column
    screenshot(page, "story-tablet", db_name(web))
    assert page.evaluate("document.documentElement.scrollWidth") <= 800  # nothing overflows sideways
    assert errors == []
