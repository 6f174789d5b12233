"""Every page passes axe-core (vendored in tests/web/vendor, MPL-2.0) without a serious or critical
violation, in Vietnamese and in English, in Chromium.

The pages are found from the app's routes (every GET page without path parameters, plus a real story's
``/stories/{id}`` when that route exists, plus the login and 404 pages signed out), so pages merged later
are checked without editing this file. The database has a few real-looking stories (tests/queue/newsroom.py).
axe is injected with ``page.evaluate`` (the CDP's evaluation is not subject to the page's CSP).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from bantin.api.roles import api_routes
from tests.api.conftest import PASSWORD
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
NOT_PAGES = ("/api", "/openapi.json", "/static")
BLOCKING = ("serious", "critical")
STORY_ROUTE = re.compile(r"^/stories/\{[^}/]+\}$")
# Signed out: the pages anyone reaches (login, and what a wrong address shows).
ANONYMOUS_PAGES = ("/login", "/no-such-page")


@lru_cache(maxsize=1)
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def fill_newsroom(web: Web) -> list[int]:
    """Province stories with copies from several outlets, and an unrelated article; the stories' ids.

    In a thread of its own: the extraction step runs its own event loop, and Playwright's sync API keeps one
    running in the test's thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_fill_newsroom, web).result()


def _fill_newsroom(web: Web) -> list[int]:
    from datetime import timedelta

    from sqlalchemy import select

    from bantin.store.office import Story
    from tests.queue.newsroom import BRIDGE, FLOOD, INDUSTRY, RATES, T0, Newsroom, syndicated

    news = Newsroom(web.ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức bắc qua sông Lam", BRIDGE)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.publish("Báo Khác", "vsip", "VSIP đầu tư thêm năm khu công nghiệp, có Nghệ An", INDUSTRY,
                 T0 + timedelta(hours=2))
    news.classify()
    news.publish("Foreign Daily", "bridge", "Cầu mới ở miền Trung", syndicated(BRIDGE), T0 + timedelta(hours=3))
    news.publish("Báo Khác", "lu", "Lũ quét cuốn trôi nhà ở xã Mường Típ, huyện Kỳ Sơn", FLOOD,
                 T0 + timedelta(hours=1))
    news.classify()
    with web.ctx.sessions() as s:
        return list(s.scalars(select(Story.id).order_by(Story.id)))


def page_paths(web: Web, story_ids: list[int]) -> list[str]:
    """GET pages without path parameters (from the app's routes), and one real story when the route exists."""
    paths: list[str] = []
    for route in api_routes(web.app):
        if "GET" not in route.methods or route.path.startswith(NOT_PAGES) or route.path == "/login":
            continue
        if not route.dependant.path_params:
            paths.append(route.path)
        elif STORY_ROUTE.match(route.path) and story_ids:
            paths.append(route.path_format.format(**{route.dependant.path_params[0].name: story_ids[0]}))
    return sorted(set(paths))


def violations(page: Any) -> list[str]:
    """The page's serious and critical axe violations: "rule-id (impact): target, target ..."."""
    page.evaluate(axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v.get("impact") in BLOCKING:
            targets = ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:8])
            found.append(f"{v['id']} ({v['impact']}): {targets} — {v['help']}")
    return found


def open_page(page: Any, url: str) -> bool:
    """Go to ``url``; False when it is not an HTML page (a CSV or XLSX download, a JSON answer)."""
    from playwright.sync_api import Error

    try:
        response = page.goto(url)
    except Error as exc:
        if "Download is starting" in str(exc):
            return False
        raise
    return response is not None and str(response.headers.get("content-type", "")).startswith("text/html")


def check(page: Any, url: str, report: dict[str, list[str]]) -> None:
    if not open_page(page, url):
        return
    page.wait_for_load_state("networkidle")
    found = violations(page)
    if found:
        report[url] = found


def set_language(page: Any, base: str, lang: str) -> None:
    page.context.add_cookies([{"name": "bantin_lang", "value": lang, "url": base}])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_has_no_serious_accessibility_violation(browser_page: Any, live: tuple[Web, str],
                                                           lang: str) -> None:
    web, base = live
    story_ids = fill_newsroom(web)
    report: dict[str, list[str]] = {}
    set_language(browser_page, base, lang)
    for path in ANONYMOUS_PAGES:
        check(browser_page, base + path, report)
    sign_in(browser_page, base, "admin", PASSWORD.format(role="admin"))
    paths = page_paths(web, story_ids)
    assert "/" in paths
    for path in paths:
        check(browser_page, base + path, report)
    browser_page.goto(base + "/")
    assert browser_page.locator("table.list tbody a").count() >= 1  # the queue shows the stories
    screenshot(browser_page, f"a11y-queue-{lang}", db_name(web))
    lines = [f"{url}\n    " + "\n    ".join(found) for url, found in report.items()]
    assert report == {}, f"axe {AXE.parent.name}: serious/critical violations ({lang}):\n" + "\n".join(lines)


def test_axe_reports_what_it_should(browser_page: Any, live: tuple[Web, str]) -> None:
    """The harness itself: a button without a name (a critical violation) slipped into a page is reported."""
    _web, base = live
    browser_page.goto(base + "/login")
    browser_page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                          "'<button id=\"nameless\"></button>')")
    found = violations(browser_page)
    assert any(f.startswith("button-name (critical): #nameless") for f in found), found
