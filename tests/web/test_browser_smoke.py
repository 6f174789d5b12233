"""In Chromium: sign in, the queue in Vietnamese, the toggle to English, sign out; no console errors
(the Content-Security-Policy refuses inline scripts, so one slipping in would show here)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PASSWORD
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name


def test_sign_in_switch_language_and_sign_out(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    errors: list[str] = []
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_page.goto(base + "/")
    assert "/login" in browser_page.url
    screenshot(browser_page, "login", db_name(web))
    sign_in(browser_page, base, "reviewer", PASSWORD.format(role="reviewer"))
    assert browser_page.locator("h1").inner_text() == "Hàng đợi xử lý tin"
    screenshot(browser_page, "queue-empty", db_name(web))
    browser_page.click("button[name=lang][value=en]")
    browser_page.wait_for_load_state()
    assert browser_page.locator("h1").inner_text() == "Review queue"
    browser_page.reload()
    assert browser_page.locator("h1").inner_text() == "Review queue"  # remembered
    browser_page.click("text=Sign out")
    browser_page.wait_for_url(base + "/login")
    assert errors == []
