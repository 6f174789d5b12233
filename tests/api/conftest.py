"""API fixtures: an app on a fresh database (SQLite and PostgreSQL), with one user and one token per role.

``api.client`` is a TestClient; ``api.headers(role)`` are bearer headers of that role's token;
``api.login(role)`` returns a client logged in by cookie, with ``client.csrf`` for unsafe requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bantin.store.office import ROLES

PASSWORD = "mật-khẩu-thử-nghiệm-{role}"  # noqa: S105 - test credentials, created per test database


@dataclass
class Api:
    ctx: Any
    app: Any
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def login(self, role: str) -> TestClient:
        client = TestClient(self.app)
        r = client.post("/api/v1/auth/login", json={"name": role, "password": PASSWORD.format(role=role)})
        assert r.status_code == 200, r.text
        client.csrf = r.json()["csrf_token"]  # type: ignore[attr-defined]
        return client


@lru_cache(maxsize=len(ROLES))
def _password_hash(role: str) -> str:
    """Each role's Argon2 hash, computed once per test run (a hash costs ~0.7 s on a busy machine)."""
    from bantin.accounts.users import hash_password

    return hash_password(PASSWORD.format(role=role))


def make_api(db_url: str, tmp_path: Path, **settings: Any) -> Api:
    from bantin.accounts.tokens import issue_token
    from bantin.accounts.users import create_user
    from bantin.api.app import create_app
    from bantin.app.context import open_app
    from bantin.app.settings import Settings

    empty = tmp_path / "no-sources.toml"
    empty.write_text("")
    ctx = open_app(Settings(database_url=db_url, data_dir=tmp_path / "data", sources_file=empty,
                            allow_loopback=True, **settings))
    tokens = {}
    with ctx.sessions() as s:
        for role in ROLES:
            user = create_user(s, role, role, None)
            user.password_hash = _password_hash(role)
            tokens[role] = issue_token(s, user, f"test {role}", "test")[1]
        s.commit()
    app = create_app(ctx)
    return Api(ctx, app, TestClient(app), tokens)


@pytest.fixture
def api(migrated_db_url: str, tmp_path: Path) -> Iterator[Api]:
    a = make_api(migrated_db_url, tmp_path)
    yield a
    a.ctx.engine.dispose()


@pytest.fixture
def sqlite_api(tmp_path: Path) -> Iterator[Api]:
    a = make_api(f"sqlite:///{tmp_path / 'api.db'}", tmp_path)
    yield a
    a.ctx.engine.dispose()
