"""In Chromium: an admin adds an alert rule through the form (topics from the multi-select), sees it listed
with a fired alert below, adds a webhook and sees its secret once. Screenshots ``admin-alerts``,
``admin-webhooks-secret``, ``admin-webhooks`` and ``admin-alerts-tablet``; no console errors (the
Content-Security-Policy would report an inline script or style), no serious axe violation on the filled
pages, nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PASSWORD
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name
from tests.web.test_accessibility import violations


def _fired_alert(web: Web) -> None:
    """A volume alert of a rule as the evaluation stores it (its why in the detector's words), and an older
    one whose rule was removed, naming many stories."""
    from datetime import timedelta

    from bantin.alerts.rules import add_rule
    from bantin.store.alerting import AlertEvent
    from bantin.store.types import utcnow

    with web.ctx.sessions() as s:
        rule = add_rule(s, "Lượng tin cả tỉnh", "volume_spike", created_by="test")
        s.add(AlertEvent(rule_id=rule.id, key="test:spike", fired_at=utcnow() - timedelta(minutes=5), count=14, expected=3.0,
                         why="14 bài trong 2 giờ, thường 3", story_ids="[1, 2]", series="all"))
        s.add(AlertEvent(key="test:old", fired_at=utcnow() - timedelta(days=1), story_ids=str(list(range(1, 16))),
                         why="Tin mới nói chủ yếu về tỉnh: «Nghệ An khánh thành cầu Hưng Đức bắc qua sông Lam»"))
        s.commit()


def _console(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_admin_adds_an_alert_rule_and_a_webhook_in_the_browser(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    _fired_alert(web)
    errors = _console(browser_page)
    sign_in(browser_page, base, "admin", PASSWORD.format(role="admin"))
    browser_page.goto(base + "/admin/users")
    browser_page.click("nav.subnav a[href='/admin/alerts']")
    browser_page.wait_for_url("**/admin/alerts")
    browser_page.fill("#alert-name", "Du lịch và văn hoá")
    browser_page.select_option("#alert-kind", "new_primary_story")
    browser_page.select_option("#alert-topics", ["tourism", "culture"])
    browser_page.click("form[action='/admin/alerts'] button[type=submit]")
    browser_page.wait_for_url("**/admin/alerts?done=added")
    row = browser_page.locator("table.alert-rules tbody tr").nth(1).inner_text()
    assert "Du lịch và văn hoá" in row and "tin mới nói chủ yếu về tỉnh" in row and "du lịch" in row
    fired = browser_page.locator("table.fired-alerts tbody tr")
    assert fired.count() == 2 and "14 bài trong 2 giờ, thường 3" in fired.first.inner_text()
    assert "Lượng tin cả tỉnh" in fired.first.inner_text() and "quy tắc đã bị xóa" in fired.nth(1).inner_text()
    assert "và 5 tin khác" in fired.nth(1).inner_text()
    assert _no_sideways_scroll(browser_page)
    screenshot(browser_page, "admin-alerts", db_name(web))
    assert violations(browser_page) == []  # axe on the filled page (test_accessibility walks it empty too)

    browser_page.click("nav.subnav a[href='/admin/webhooks']")
    browser_page.fill("#hook-name", "Nhóm chat của Sở")
    browser_page.fill("#hook-url", "https://chat.example.gov.vn/hooks/AbCdEfGhIjKlMnOpQrStUvWx?token=bi-mat")
    browser_page.click("form[action='/admin/webhooks'] button[type=submit]")
    browser_page.wait_for_selector("#issued-secret")
    secret = browser_page.input_value("#issued-secret")
    assert secret.startswith("whsec_")
    screenshot(browser_page, "admin-webhooks-secret", db_name(web))
    assert violations(browser_page) == []
    browser_page.goto(base + "/admin/webhooks")
    assert browser_page.locator("#issued-secret").count() == 0 and secret not in browser_page.content()
    assert "bi-mat" not in browser_page.locator("table.webhooks").inner_text()
    screenshot(browser_page, "admin-webhooks", db_name(web))
    assert violations(browser_page) == []

    browser_page.set_viewport_size({"width": 800, "height": 1000})  # a tablet
    browser_page.goto(base + "/admin/alerts")
    assert _no_sideways_scroll(browser_page)
    screenshot(browser_page, "admin-alerts-tablet", db_name(web))
    assert errors == []
