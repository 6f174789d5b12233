"""Protection of the API: login throttling, the rate limit, bounded bodies (413), CORS closed unless
configured, security headers and JSON errors on every response."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bantin.api.roles import ANONYMOUS, requires

PASSWORD = "mật-khẩu-an-toàn-đủ-dài"  # noqa: S105 - a test account's password
HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY",
           "content-security-policy": "frame-ancestors 'none'"}


class Small:
    """An app on a fresh SQLite database with one admin (one Argon2 hash: fast) and its token."""

    def __init__(self, tmp_path: Path, **settings: Any) -> None:
        from bantin.accounts.tokens import issue_token
        from bantin.accounts.users import create_user
        from bantin.api.app import create_app
        from bantin.app.context import open_app
        from bantin.app.settings import Settings

        empty = tmp_path / "no-sources.toml"
        empty.write_text("")
        self.ctx = open_app(Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", data_dir=tmp_path / "data",
                                     sources_file=empty, **settings))
        with self.ctx.sessions() as s:
            user = create_user(s, "admin", "admin", PASSWORD)
            self.token = issue_token(s, user, "t", "test")[1]
            self.other = issue_token(s, user, "t2", "test")[1]
            s.commit()
        self.app = create_app(self.ctx)
        self.client = TestClient(self.app, raise_server_exceptions=False)

    def login(self, name: str = "admin", password: str = PASSWORD) -> Any:
        return self.client.post("/api/v1/auth/login", json={"name": name, "password": password})


@pytest.fixture
def small(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Small]:
    app = Small(tmp_path, **getattr(request, "param", {}))
    yield app
    app.ctx.engine.dispose()


def with_settings(**settings: Any) -> Any:
    return pytest.mark.parametrize("small", [settings], indirect=True)


@with_settings(login_max_failures=3)
def test_after_too_many_failures_even_the_right_password_waits(small: Small) -> None:
    assert [small.login(password="sai-mat-khau-1234").status_code for _ in range(3)] == [401, 401, 401]
    r = small.login()
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "detail" in r.json()
    assert small.login("someone-else", "sai-mat-khau-1234").status_code == 401  # another account is not locked


@with_settings(login_max_failures=3)
def test_a_successful_login_clears_the_account_failures(small: Small) -> None:
    for _ in range(2):
        small.login(password="sai-mat-khau-1234")
    assert small.login().status_code == 200
    assert [small.login(password="sai-mat-khau-1234").status_code for _ in range(2)] == [401, 401]
    assert small.login().status_code == 200


@with_settings(login_max_failures_per_address=3)
def test_failures_across_accounts_from_one_address_are_throttled(small: Small) -> None:
    for name in ("a1", "a2", "a3"):
        assert small.login(name, "sai-mat-khau-1234").status_code == 401
    r = small.login()
    assert r.status_code == 429 and "retry-after" in r.headers


@with_settings(public_url="https://bantin.example.gov.vn")
def test_behind_https_the_session_cookie_is_secure(small: Small) -> None:
    cookie = small.login().headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_the_login_window_passes(small: Small) -> None:
    from datetime import timedelta

    from bantin.api.throttle import LOGIN_WINDOW_S, LoginThrottle
    from bantin.app import audit
    from bantin.app.settings import Settings
    from bantin.store.types import utcnow

    start = utcnow()
    now = [start]
    throttle = LoginThrottle(Settings(login_max_failures=2), clock=lambda: now[0])
    with small.ctx.sessions() as s:
        for _ in range(2):
            audit.record(s, "anonymous:10.0.0.1", "auth.login_failed", audit_target="user:admin")
        s.commit()
        now[0] = utcnow()
        assert LOGIN_WINDOW_S - 2 <= throttle.retry_after(s, "admin", "10.0.0.1") <= LOGIN_WINDOW_S  # type: ignore[operator]
        now[0] = start + timedelta(seconds=LOGIN_WINDOW_S - 10)
        assert 9 <= throttle.retry_after(s, "admin", "10.0.0.2") <= 11  # type: ignore[operator]
        now[0] = start + timedelta(seconds=LOGIN_WINDOW_S + 11)
        assert throttle.retry_after(s, "admin", "10.0.0.1") is None


@with_settings(login_max_failures=3)
def test_every_api_process_sees_the_same_failed_logins(small: Small) -> None:
    """`bantin serve --workers 2`: two apps on one database; failures on one throttle the other."""
    from bantin.api.app import create_app

    other = TestClient(create_app(small.ctx), raise_server_exceptions=False)
    assert small.login(password="sai-mat-khau-1234").status_code == 401
    for _ in range(2):
        assert other.post("/api/v1/auth/login", json={"name": "admin", "password": "sai-1234-sai"}).status_code == 401
    assert small.login().status_code == 429
    r = other.post("/api/v1/auth/login", json={"name": "admin", "password": PASSWORD})
    assert r.status_code == 429 and "thử lại sau" in r.json()["detail"]


@with_settings(rate_limit_per_minute=10, api_workers=2)
def test_each_of_n_workers_allows_its_share_of_the_rate_limit(small: Small) -> None:
    codes = [small.client.get("/api/v1/health").status_code for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429


def test_counters_stay_bounded_under_made_up_keys() -> None:
    from bantin.api.throttle import MAX_TRACKED_KEYS, SlidingLog

    log = SlidingLog(60)
    for i in range(MAX_TRACKED_KEYS + 500):
        log.add(f"k{i}", 5)
    assert len(log._log) == MAX_TRACKED_KEYS and log.count("k0") == 0 and log.count(f"k{MAX_TRACKED_KEYS + 499}") == 1


@with_settings(rate_limit_per_minute=5)
def test_rate_limit_per_token_answers_429_with_retry_after(small: Small) -> None:
    me = "/api/v1/auth/me"
    codes = [small.client.get(me, headers={"Authorization": f"Bearer {small.token}"}).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    r = small.client.get(me, headers={"Authorization": f"Bearer {small.token}"})
    assert r.status_code == 429 and 0 < int(r.headers["retry-after"]) <= 60 and "detail" in r.json()
    assert small.client.get(me, headers={"Authorization": f"Bearer {small.other}"}).status_code == 200


@with_settings(rate_limit_per_minute=3)
def test_made_up_authorization_headers_share_the_address_allowance(small: Small) -> None:
    codes = [small.client.get("/api/v1/auth/me", headers={"Authorization": f"Basic x{i}"}).status_code
             for i in range(4)]
    assert codes == [401, 401, 401, 429]


@with_settings(max_request_bytes=1000)
def test_bodies_over_the_limit_get_413_json_declared_or_streamed(small: Small) -> None:
    url = "/api/v1/auth/login"
    declared = small.client.post(url, content=b"{" + b" " * 2000 + b"}", headers={"content-type": "application/json"})
    assert declared.status_code == 413 and "1000 bytes" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        for _ in range(10):
            yield b" " * 200

    streamed = small.client.post(url, content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and "detail" in streamed.json()
    assert small.login().status_code == 200  # a small body still passes


def test_cors_is_closed_by_default(small: Small) -> None:
    r = small.client.options("/api/v1/auth/me", headers={"Origin": "https://evil.example",
                                                        "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in r.headers
    r = small.client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


@with_settings(cors_origins="https://bantin.example.gov.vn")
def test_cors_opens_to_the_configured_origin_only(small: Small) -> None:
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "X-CSRF-Token"}
    ok = small.client.options("/api/v1/auth/logout", headers={"Origin": "https://bantin.example.gov.vn", **pre})
    assert ok.headers["access-control-allow-origin"] == "https://bantin.example.gov.vn"
    assert ok.headers["access-control-allow-credentials"] == "true"
    other = small.client.options("/api/v1/auth/logout", headers={"Origin": "https://evil.example", **pre})
    assert "access-control-allow-origin" not in other.headers


def test_security_headers_and_json_on_success_errors_and_crashes(small: Small) -> None:
    @small.app.get("/api/v1/test-crash", dependencies=[requires(ANONYMOUS)])
    def crash() -> None:
        raise RuntimeError("secret internals")

    responses = {
        200: small.client.get("/api/v1/health"),
        401: small.client.get("/api/v1/auth/me"),
        404: small.client.get("/api/v1/no-such-thing"),
        405: small.client.delete("/api/v1/health"),
        422: small.client.post("/api/v1/auth/login", json={}),
        500: small.client.get("/api/v1/test-crash"),
    }
    for status, r in responses.items():
        assert r.status_code == status
        assert r.headers["content-type"].startswith("application/json"), status
        assert "detail" in r.json() or status == 200
        assert {k: r.headers.get(k) for k in HEADERS} == HEADERS, status
    assert responses[404].json()["detail"] == "không tìm thấy (not found)"
    assert "secret internals" not in responses[500].text and "Traceback" not in responses[500].text
