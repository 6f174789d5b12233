"""In Chromium: the reports page draws its three charts (the SVG images load under the page's CSP), the
table opens, a new range reloads by htmx; screenshot ``reports`` at 1366x768."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PASSWORD
from tests.queue.newsroom import BRIDGE, FLOOD, RATES, T0, Newsroom, syndicated
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name


def _publish(web: Web) -> None:
    from datetime import timedelta

    news = Newsroom(web.ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES, T0 + timedelta(days=1))
    news.classify()
    news.publish("Foreign Daily", "bridge", "Cầu mới ở miền Trung", syndicated(BRIDGE), T0 + timedelta(hours=3))
    news.publish("Báo Khác", "lu", "Lũ quét cuốn trôi nhà ở xã Mường Típ", FLOOD, T0 + timedelta(days=2))
    news.classify()
    _work_the_queue(web)


def _work_the_queue(web: Web) -> None:
    """The bridge admitted 30 hours ago, triaged urgent and responded; the flood admitted 5 hours ago and
    triaged (durations of hours, as an office's are)."""
    from datetime import timedelta

    from bantin.store.office import Story

    h = web.headers("reviewer")
    me = web.client.get("/api/v1/auth/me", headers=h).json()
    stories = web.client.get("/api/v1/stories", headers=h).json()["items"]
    with web.ctx.sessions() as s:
        for st, hours in zip(stories, (30, 5), strict=False):
            story = s.get(Story, st["id"])
            assert story is not None
            story.created_at = story.created_at - timedelta(hours=hours)
        s.commit()
    steps = [[{"state": "triaged", "priority": "urgent"}, {"state": "assigned", "owner_id": me["user"]["id"]},
              {"state": "responding"}, {"state": "responded"}], [{"state": "triaged", "priority": "high"}]]
    for st, moves in zip(stories, steps, strict=False):
        for body in moves:
            version = web.client.get(f"/api/v1/stories/{st['id']}", headers=h).json()["story"]["version"]
            r = web.client.patch(f"/api/v1/stories/{st['id']}", json={**body, "version": version}, headers=h)
            assert r.status_code == 200, r.text


def _charts_loaded(page: Any) -> list[int]:
    return page.eval_on_selector_all("img.chart", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


def test_reports_page_draws_its_charts(browser_page: Any, live: tuple[Web, str]) -> None:
    web, base = live
    _publish(web)
    errors: list[str] = []
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(browser_page, base, "viewer", PASSWORD.format(role="viewer"))
    browser_page.goto(base + "/reports")
    assert browser_page.locator("h1").inner_text() == "Báo cáo"
    browser_page.wait_for_function("() => [...document.querySelectorAll('img.chart')].every(i => i.complete)")
    widths = _charts_loaded(browser_page)
    assert len(widths) == 3 and all(w > 0 for w in widths), widths
    browser_page.locator("summary", has_text="Xem dạng bảng").first.click()
    assert browser_page.locator("table.report-table").first.is_visible()
    screenshot(browser_page, "reports", db_name(web))
    browser_page.select_option("#r-by", "outlet")
    with browser_page.expect_response(lambda r: "/reports?" in r.url):
        browser_page.click("button[type=submit].primary")
    browser_page.wait_for_function("() => [...document.querySelectorAll('img.chart')].every(i => i.complete && i.naturalWidth > 0)")
    assert "by=outlet" in browser_page.url  # hx-push-url: the range and grouping are in the address
    assert "Số bài mỗi ngày theo cơ quan báo chí" in browser_page.locator("#report-body h2").first.inner_text()
    screenshot(browser_page, "reports-outlet", db_name(web))
    assert errors == []
