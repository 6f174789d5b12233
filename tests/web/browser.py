"""A live bantin server on loopback (uvicorn on port 0, in a thread) and Debian's Chromium driven by
Playwright (``executable_path``: no browser is ever downloaded). Without Chromium the browser tests skip
with the reason, unless ``BANTIN_REQUIRE_BROWSER=1`` (CI), where they fail.

Screenshots go to ``$BANTIN_ARTIFACTS/screenshots`` (default ``test-artifacts/screenshots``), one PNG per
page and database, for people to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ROOT = Path(__file__).resolve().parents[2]
# Server start on a busy 2-core machine: the app imports and migrations are done before; this is uvicorn.
SERVER_START_TIMEOUT_S = 20


def chromium_path() -> str | None:
    for candidate in (os.environ.get("BANTIN_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def artifacts_dir() -> Path:
    base = Path(os.environ.get("BANTIN_ARTIFACTS", ROOT / "test-artifacts"))
    out = base / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


class LiveServer:
    def __init__(self, app: Any) -> None:
        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.sock = sock
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright, for the module-scoped ``chromium`` fixture (tests/web/conftest.py)."""
    path = chromium_path()
    if path is None:
        if os.environ.get("BANTIN_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (BANTIN_REQUIRE_BROWSER=1) but /usr/bin/chromium is missing")
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


def sign_in(page: Any, base_url: str, name: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(base_url + "/")


def screenshot(page: Any, name: str, db: str) -> Path:
    target = artifacts_dir() / f"{name}-{db}.png"
    page.screenshot(path=str(target), full_page=True, caret="initial")  # no caret style: the CSP refuses it
    return target
