"""The web UI's budgets, in Chromium, on a queue of real stories (``bantin demo``'s rows from ../shared):

- the queue's first load (HTML, CSS, JS, images, with an empty cache) transfers at most 200 KB, as Chromium
  counts it (CDP ``Network.loadingFinished.encodedDataLength``: gzip'd bodies and headers);
- static files linked with ``?v=`` are cached for a year (immutable), others revalidate;
- at 1366x768 (the office's laptops) and 800x1280 (a tablet) no page scrolls sideways (every GET page
  without path parameters, from the app's routes); screenshots of the queue at both sizes.

Server time per page at 1,000,000 articles is bench/web_pages.py's (docs/benchmarks.md), not a test's.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bantin.cli.demo import fill
from tests.api.conftest import PASSWORD
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name
from tests.web.test_accessibility import open_page, page_paths

# The budget for the queue's first load.
FIRST_LOAD_BUDGET_BYTES = 200_000
# Real rows for a full first page of stories (half name Nghệ An: ~60 stories) in a few seconds.
DEMO_ROWS = 300
VIEWPORTS = {"laptop": (1366, 768), "tablet": (800, 1280)}


def fill_real_queue(web: Web, shared_data: Path) -> None:
    """In a thread: Playwright's sync API keeps an event loop running in the test's thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(fill, web.ctx, shared_data / "news" / "rss_articles.jsonl.gz", DEMO_ROWS, False).result()


def first_load(page: Any, url: str) -> dict[str, int]:
    """url -> bytes Chromium received for it, loading ``url`` with the cache disabled."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    cdp.detach()
    return {urls.get(rid, rid): n for rid, n in sizes.items()}


def test_the_queues_first_load_fits_the_budget(browser_page: Any, live: tuple[Web, str],
                                               shared_data: Path) -> None:
    web, base = live
    fill_real_queue(web, shared_data)
    sign_in(browser_page, base, "reviewer", PASSWORD.format(role="reviewer"))
    assert browser_page.locator("table.list tbody a").count() >= 20  # a real first page of stories
    sizes = first_load(browser_page, base + "/")
    total = sum(sizes.values())
    print(f"first load of the queue: {total} bytes")
    table = "\n".join(f"{n:>8} {u.removeprefix(base)}" for u, n in sorted(sizes.items(), key=lambda x: -x[1]))
    assert any(".css" in u for u in sizes), table  # the stylesheet was counted
    assert any(".js" in u for u in sizes), table
    assert total <= FIRST_LOAD_BUDGET_BYTES, f"the queue's first load is {total} bytes:\n{table}"


def test_versioned_static_files_are_cached_for_a_year(web: Web) -> None:
    versioned = web.client.get("/static/app.css?v=1", headers={"Accept-Encoding": "gzip"})
    assert versioned.status_code == 200
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert versioned.headers.get("content-encoding") == "gzip"
    plain = web.client.get("/static/favicon.svg")
    assert plain.headers["cache-control"] == "no-cache" and plain.headers.get("etag")
    again = web.client.get("/static/favicon.svg", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304


def test_no_page_scrolls_sideways_on_a_laptop_or_a_tablet(browser_page: Any, live: tuple[Web, str],
                                                         shared_data: Path) -> None:
    web, base = live
    fill_real_queue(web, shared_data)
    sign_in(browser_page, base, "admin", PASSWORD.format(role="admin"))
    wide: list[str] = []
    for name, (width, height) in VIEWPORTS.items():
        browser_page.set_viewport_size({"width": width, "height": height})
        for path in page_paths(web, []):
            if not open_page(browser_page, base + path):
                continue
            scroll = browser_page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll[0] > scroll[1]:
                wide.append(f"{path} at {width}x{height}: {scroll[0]} px wide in {scroll[1]} px")
        browser_page.goto(base + "/")
        screenshot(browser_page, f"budget-queue-{name}", db_name(web))
    assert wide == [], "pages wider than the screen:\n" + "\n".join(wide)
