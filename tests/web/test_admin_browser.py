"""In Chromium: an analyst labels an uncertain article with htmx (the row swaps in place) and promotes a
model after the confirmation; an admin sees the users and the audit log. Screenshots ``analysts``,
``analysts-models``, ``admin-users``, ``admin-tokens``, ``admin-rules``, ``admin-audit``; no console errors
(the Content-Security-Policy would report an inline script or style)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PASSWORD
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name
from tests.web.test_analysts_pages import add_news, two_versions


def _console(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_analyst_labels_with_htmx_and_promotes_after_confirming(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    ids = add_news(web)
    two_versions(web)
    errors = _console(browser_page)
    sign_in(browser_page, base, "analyst", PASSWORD.format(role="analyst"))
    browser_page.goto(base + "/analysts")
    assert browser_page.locator("h1").inner_text() == "Mô hình và nhãn"
    screenshot(browser_page, "analysts", db_name(web))
    row = browser_page.locator(f"#a-{ids[0]}")
    row.locator("select[name=topic]").select_option("education")
    row.locator("input[name=relevance][value=primary]").check()
    row.locator("button[type=submit]").click()
    browser_page.wait_for_selector(f"#a-{ids[0]}.labelled")
    assert "Đã gán nhãn bởi analyst lúc" in browser_page.locator(f"#a-{ids[0]}").inner_text()
    assert browser_page.url == base + "/analysts"  # swapped in place, no page load
    browser_page.goto(base + "/analysts/models")
    browser_page.once("dialog", lambda d: d.accept())
    browser_page.locator("form[action='/analysts/models/demo/promote'] button.primary").first.click()
    browser_page.wait_for_url("**/analysts/models?done=promoted")
    browser_page.once("dialog", lambda d: d.accept())
    browser_page.locator("form[action='/analysts/models/demo/promote'] button.primary").first.click()
    browser_page.wait_for_load_state()
    assert "Cổng kiểm định từ chối" in browser_page.locator("[role=alert]").inner_text()
    screenshot(browser_page, "analysts-models", db_name(web))
    browser_page.set_viewport_size({"width": 800, "height": 1000})  # a tablet
    browser_page.goto(base + "/analysts")
    screenshot(browser_page, "analysts-tablet", db_name(web))
    assert [e for e in errors if "409" not in e] == []  # the gate's refusal is a 409 answer, shown on the page


def test_admin_pages_in_the_browser(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    errors = _console(browser_page)
    sign_in(browser_page, base, "admin", PASSWORD.format(role="admin"))
    browser_page.goto(base + "/admin")
    assert browser_page.url == base + "/admin/users"
    browser_page.fill("#new-name", "lan.nguyen")
    browser_page.fill("#new-display", "Nguyễn Thị Lan")
    browser_page.select_option("#new-role", "reviewer")
    browser_page.fill("#new-pw", "mật-khẩu-mới-đủ-dài")
    browser_page.fill("#new-pw2", "mật-khẩu-mới-đủ-dài")
    browser_page.click("form[action='/admin/users'] button[type=submit]")
    browser_page.wait_for_url("**/admin/users?done=user_created")
    screenshot(browser_page, "admin-users", db_name(web))
    browser_page.goto(base + "/admin/tokens")
    browser_page.fill("#tok-label", "báo cáo tự động hằng ngày")
    browser_page.click("form[action='/admin/tokens'] button[type=submit]")
    browser_page.wait_for_selector("#issued-token")
    screenshot(browser_page, "admin-tokens", db_name(web))
    browser_page.goto(base + "/admin/rules")
    browser_page.fill("#new-rule-name", "Du lịch Cửa Lò")
    browser_page.select_option("#new-rule-topics", ["tourism", "culture"])
    browser_page.click("form[action='/admin/rules'] button[type=submit]")
    browser_page.wait_for_url("**/admin/rules?done=rule_created")
    screenshot(browser_page, "admin-rules", db_name(web))
    browser_page.goto(base + "/admin/audit")
    browser_page.select_option("#f-action", "users.create")
    browser_page.click("button:has-text('Lọc')")
    browser_page.wait_for_url("**/admin/audit?action=users.create")  # htmx pushed the filter into the URL
    assert browser_page.locator("table.audit tbody tr").count() == 1
    browser_page.goto(base + "/admin/audit")
    screenshot(browser_page, "admin-audit", db_name(web))
    browser_page.set_viewport_size({"width": 800, "height": 1000})  # a tablet
    browser_page.goto(base + "/admin/users")
    screenshot(browser_page, "admin-users-tablet", db_name(web))
    assert errors == []
