"""Web UI fixtures: the app on a fresh database (SQLite and PostgreSQL) with one user per role
(tests/api/conftest.py), and ``web.login(role)``: a client signed in through the login form, with
``client.csrf`` (the masked token the page carried) for unsafe requests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, Api, make_api
from tests.web.browser import launch_chromium

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')


class Web(Api):
    def login(self, role: str) -> TestClient:  # type: ignore[override]
        client = TestClient(self.app, follow_redirects=False)
        form = client.get("/login")
        token = LOGIN_TOKEN.search(form.text)
        assert token, form.text
        r = client.post("/login", data={"name": role, "password": PASSWORD.format(role=role),
                                        "login_token": token.group(1), "next": "/"})
        assert r.status_code == 303, r.text
        home = client.get("/")
        assert home.status_code == 200, home.text
        found = HIDDEN_CSRF.search(home.text)
        assert found, home.text
        client.csrf = found.group(1)  # type: ignore[attr-defined]
        return client


def make_web(db_url: str, tmp_path: Path) -> Web:
    a = make_api(db_url, tmp_path)
    return Web(a.ctx, a.app, TestClient(a.app, follow_redirects=False), a.tokens)


@pytest.fixture
def web(migrated_db_url: str, tmp_path: Path) -> Iterator[Web]:
    w = make_web(migrated_db_url, tmp_path)
    yield w
    w.ctx.engine.dispose()


def csrf_of(page_html: str) -> str:
    found = HIDDEN_CSRF.search(page_html)
    assert found, page_html
    return found.group(1)


# Module-scoped, not session-scoped: sync Playwright keeps its event loop marked running on the main thread
# while it is open, and under pytest-xdist a worker runs other packages' tests (asyncio.run) after these.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    yield from launch_chromium()


@pytest.fixture
def live(web: Web) -> Iterator[tuple[Web, str]]:
    """(the app's fixture, the base URL of a live server running it)."""
    from tests.web.browser import LiveServer

    with LiveServer(web.app) as server:
        yield web, server.url


@pytest.fixture
def browser_page(chromium: object, live: tuple[Web, str]) -> Iterator[object]:
    """A fresh browser context (1366x768, Vietnamese) on the live server."""
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


def db_name(web: Web) -> str:
    return web.ctx.engine.dialect.name
