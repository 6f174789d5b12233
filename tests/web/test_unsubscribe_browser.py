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


def test_the_admins_subscriptions_tab(browser_page: Any, live: tuple[Web, str]) -> None:
    from datetime import UTC, datetime

    from tests.api.conftest import PASSWORD
    from tests.web.browser import sign_in

    web, base = live
    people = [("giam.doc@sotttt.nghean.gov.vn", "Giám đốc Sở", "daily", ["Thiên tai", "Báo nước ngoài"]),
              ("chanh.van.phong@sotttt.nghean.gov.vn", "Chánh Văn phòng", "daily", []),
              ("truc.ban@sotttt.nghean.gov.vn", "Tổ trực ban thông tin", "none", ["Tăng đột biến: toàn tỉnh"]),
              ("nguoi.cu@nghean.gov.vn", None, "daily", []), ("khong.ton.tai@nghean.gov.vn", "Phòng TTĐN", "daily", [])]
    with web.ctx.sessions() as s:
        for email, name, digest, rules in people:
            add_subscription(s, email, name=name, digest=digest, rules=rules, created_by="test")
        s.flush()
        old = s.query(Subscription).filter_by(email="nguoi.cu@nghean.gov.vn").one()
        old.active, old.unsubscribed_at = False, datetime(2026, 11, 28, 2, 15, tzinfo=UTC)
        bad = s.query(Subscription).filter_by(email="khong.ton.tai@nghean.gov.vn").one()
        bad.flagged_at = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)
        bad.flag_reason = "550 5.1.1 <khong.ton.tai@nghean.gov.vn>: Recipient address rejected: User unknown"
        s.commit()
    sign_in(browser_page, base, "admin", PASSWORD.format(role="admin"))
    browser_page.goto(base + "/admin/subscriptions")
    assert browser_page.locator("h2").first.inner_text() == "Người nhận bản tin"
    screenshot(browser_page, "admin-subscriptions", db_name(web))
    browser_page.fill("#sub-email", "sai địa chỉ")
    browser_page.evaluate("document.querySelector('#sub-email').type = 'text'")  # past the browser's own check
    browser_page.click("form.sub-form button.primary")
    browser_page.wait_for_load_state()
    assert "Đây không phải là địa chỉ thư điện tử" in browser_page.content()
    screenshot(browser_page, "admin-subscriptions-refused", db_name(web))
    browser_page.set_viewport_size({"width": 800, "height": 1000})
    browser_page.goto(base + "/admin/subscriptions")
    screenshot(browser_page, "admin-subscriptions-tablet", db_name(web))
