"""In Chromium, as a reviewer: j/k move the current story, x selects, a bulk "triage" through htmx changes
the rows on the page and in the database; ? shows the shortcuts; no console errors (CSP). Screenshots
``queue-list`` and ``queue-empty``."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PASSWORD
from tests.web.browser import artifacts_dir, sign_in
from tests.web.conftest import Web, db_name
from tests.web.queuedata import build_queue, stories


def screenshot(page: Any, name: str, db: str) -> None:
    """As tests/web/browser.py's, without Playwright's caret-hiding style (which the page's CSP blocks and
    reports as a console error)."""
    page.screenshot(path=str(artifacts_dir() / f"{name}-{db}.png"), full_page=True, caret="initial")


def test_empty_queue_shows_the_first_steps(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    sign_in(browser_page, base, "viewer", PASSWORD.format(role="viewer"))
    assert "bantin sources add URL" in browser_page.locator(".first-steps").inner_text()
    screenshot(browser_page, "queue-empty", db_name(web))


def test_keyboard_selection_and_bulk_triage(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    build_queue(web)
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "reviewer", PASSWORD.format(role="reviewer"))
    assert "Phím tắt: j/k" in page.locator("#kbd-hint").inner_text()
    flood, bridge = sorted(stories(web), reverse=True)
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("?")
    assert not page.locator("#shortcuts").is_visible()
    page.keyboard.press("j")
    assert page.locator("tr.is-current").get_attribute("data-story") == str(flood)
    page.keyboard.press("x")
    page.keyboard.press("j")
    assert page.locator("tr.is-current").get_attribute("data-story") == str(bridge)
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator("input[name=ids]:checked").count() == 2
    screenshot(page, "queue-list", db_name(web))
    page.click("button[name=action][value=triage]")
    page.wait_for_selector("p.result")
    assert "Đã cập nhật 2 tin" in page.locator("p.result").inner_text()
    cells = page.locator("tr[data-story] .state").all_inner_texts()
    assert cells == ["đã phân loại", "đã phân loại"]
    assert all(st.state == "triaged" for st in stories(web).values())
    assert page.url == base + "/"  # a POST swapped the list; the address is still the queue's
    page.fill("#b-reason", "j")  # typing in a box moves nothing
    assert page.locator("tr.is-current").get_attribute("data-story") == str(bridge)
    page.locator("body").click(position={"x": 5, "y": 300})  # out of the box: keys work again
    page.keyboard.press("a")  # assign the current story (the bridge) to me
    page.wait_for_selector("p.result:has-text('đã được giao cho bạn')")
    assert stories(web)[bridge].state == "assigned" and stories(web)[flood].state == "triaged"
    page.select_option("#f-topic", "infrastructure")
    page.click("button.primary:has-text('Lọc')")
    page.wait_for_url("**/?*topic=infrastructure*")
    assert page.locator("tr[data-story]").count() == 1
    screenshot(page, "queue-filtered", db_name(web))
    page.set_viewport_size({"width": 800, "height": 1000})
    screenshot(page, "queue-tablet", db_name(web))
    assert page.evaluate("document.documentElement.scrollWidth") <= 800  # nothing wider than a tablet
    assert errors == [], errors
