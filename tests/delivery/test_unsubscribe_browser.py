"""In Chromium, as the recipient of an email: open the unsubscribe link (nothing changes), press the button
(unsubscribed), open a broken link (a clear page); no console errors (the CSP refuses inline code)."""

from __future__ import annotations

from typing import Any

from bantin.delivery.subscriptions import add_subscription
from bantin.store.delivery import Subscription
from tests.web.browser import screenshot
from tests.web.conftest import Web, db_name


def test_a_recipient_unsubscribes_with_the_button(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    with web.ctx.sessions() as s:
        sub = add_subscription(s, "truong.phong@nghean.gov.vn", name="Trưởng phòng", digest="daily",
                               created_by="test")
        s.commit()
    errors: list[str] = []
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_page.goto(f"{base}/unsubscribe/{sub.token}")
    assert browser_page.locator("h1").inner_text() == "Hủy đăng ký nhận bản tin"
    screenshot(browser_page, "unsubscribe-confirm", db_name(web))
    with web.ctx.sessions() as s:
        assert s.get(Subscription, sub.id).active  # type: ignore[union-attr]

    browser_page.locator("button.primary").focus()  # the focus ring is visible (screenshot)
    screenshot(browser_page, "unsubscribe-focus", db_name(web))
    browser_page.click("button.primary")
    browser_page.wait_for_load_state()
    assert browser_page.locator("h1").inner_text() == "Quý vị đã hủy đăng ký"
    screenshot(browser_page, "unsubscribe-done", db_name(web))
    with web.ctx.sessions() as s:
        assert not s.get(Subscription, sub.id).active  # type: ignore[union-attr]

    browser_page.goto(f"{base}/unsubscribe/{sub.token[:20]}")  # a link copied in part
    assert browser_page.locator("h1").inner_text() == "Đường dẫn hủy đăng ký không hợp lệ"
    screenshot(browser_page, "unsubscribe-unknown", db_name(web))
    browser_page.set_viewport_size({"width": 800, "height": 900})  # a tablet
    browser_page.goto(f"{base}/unsubscribe/{sub.token}")
    screenshot(browser_page, "unsubscribe-done-tablet", db_name(web))
    assert errors == [] or all("404" in e for e in errors), errors
