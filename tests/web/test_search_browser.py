"""In Chromium: search "nghe an" (htmx swaps the results and pushes the URL), see "Nghệ An" highlighted,
download the CSV from the export link and read it back; then the sources page. Screenshots of both;
no console errors (the Content-Security-Policy would report an inline script or style)."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

from bantin.sources.registry import SourceSpec, upsert
from bantin.store.types import utcnow
from tests.api.conftest import PASSWORD
from tests.search.realnews import import_lines
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name
from tests.web.test_search_page import nghe_an_lines


def _sources(web: Web) -> None:
    """A failing feed beside the imported outlets, so the health table shows an error."""
    with web.ctx.sessions() as s:
        src, _, _ = upsert(s, SourceSpec("Báo Lỗi Thử", ("https://bao-loi.example.vn/rss/tin-moi.rss",)))
        s.flush()
        for target in (src, *src.feeds):
            target.health, target.last_error_at = "failing", utcnow() - timedelta(hours=3)
            target.last_error = "HTTP 503 Service Unavailable (máy chủ quá tải)"
        src.feeds[0].consecutive_failures = 4
        s.commit()


def test_search_nghe_an_highlights_and_downloads_the_csv(browser_page: Any, live: tuple[Web, str],
                                                        shared_data: Path) -> None:
    web, base = live
    import_lines(web.ctx.sessions, nghe_an_lines(shared_data))
    _sources(web)
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} ({page.url})") if m.type == "error" else None)
    sign_in(page, base, "admin", PASSWORD.format(role="admin"))
    page.click("nav >> text=Tìm kiếm")
    page.wait_for_url(base + "/search")
    page.fill("#q", "nghe an")
    page.press("#q", "Enter")
    page.wait_for_selector("#results mark")
    page.wait_for_url(base + "/search?q=nghe+an")  # htmx pushed the search into the address bar
    marks = page.locator("#results .result h3 mark").all_inner_texts()
    assert "Nghệ An" in marks
    shown = page.locator("#results .result").count()
    assert shown > 0
    page.locator("#q").focus()
    screenshot(page, "search", db_name(web))
    with page.expect_download() as dl:
        page.click("#results .exports a:has-text('CSV')")
    with open(dl.value.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == shown and any("Nghệ An" in r["title"] for r in rows)
    page.select_option("#language", "vi")  # a filter applies at once (htmx on change)
    page.wait_for_url(base + "/search?q=nghe+an&language=vi")
    assert page.locator("#results .result").count() > 0
    page.set_viewport_size({"width": 800, "height": 1000})  # a tablet: the saved searches go below
    screenshot(page, "search-tablet", db_name(web))
    page.set_viewport_size({"width": 1366, "height": 768})

    page.click("nav >> text=Nguồn tin")
    page.wait_for_url(base + "/sources")
    assert page.locator("h1").inner_text() == "Nguồn tin và tình trạng hoạt động"
    page.locator("summary", has_text="Báo Lỗi Thử").click()
    assert page.locator("text=HTTP 503 Service Unavailable (máy chủ quá tải)").first.is_visible()
    screenshot(page, "sources", db_name(web))
    assert errors == []
