"""`bantin users ...` and `bantin tokens ...`: passwords from stdin only, tokens printed once and stored
hashed, the last admin kept, every change audited with the operator as the actor."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bantin.app.settings import get_settings
from bantin.cli.main import app
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.office import ApiToken, User
from bantin.store.schema import AuditEvent

PASSWORD = "mật-khẩu-quản-trị-dài"  # noqa: S105 - test credential


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    empty = tmp_path / "none.toml"
    empty.write_text("")
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BANTIN_DATABASE_URL", db_url)
    monkeypatch.setenv("BANTIN_SOURCES_FILE", str(empty))
    monkeypatch.setattr("getpass.getuser", lambda: "tester")
    get_settings.cache_clear()

    def run(*args: str, stdin: str | None = None) -> Any:
        return CliRunner().invoke(app, list(args), input=stdin)

    run.db_url = db_url  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()


def rows(db_url: str, model: Any) -> list[Any]:
    engine = make_engine(db_url)
    upgrade(engine)  # a command refused before it opened the database leaves it empty
    with session_factory(engine)() as s:
        found = list(s.scalars(select(model)))
        s.expunge_all()
    engine.dispose()
    return found


def test_the_first_admin_is_created_with_a_password_from_stdin_and_can_log_in(cli: Any) -> None:
    from bantin.accounts.users import verify_login

    r = cli("users", "create", "quantri", "--role", "admin", "--password-stdin", "--display-name", "Quản trị",
            stdin=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    (user,) = rows(cli.db_url, User)
    assert user.name == "quantri" and user.role == "admin" and PASSWORD not in (user.password_hash or "")
    engine = make_engine(cli.db_url)
    with session_factory(engine)() as s:
        assert verify_login(s, "quantri", PASSWORD) is not None
    engine.dispose()
    listed = json.loads(cli("users", "list", "--json").stdout)
    assert [(u["name"], u["role"], u["disabled"], u["password"]) for u in listed] == [("quantri", "admin", False, True)]
    (event,) = [e for e in rows(cli.db_url, AuditEvent) if e.action == "users.create"]
    assert event.actor == "cli:tester" and event.target == "user:quantri"


def test_a_password_is_never_taken_from_the_command_line(cli: Any) -> None:
    r = cli("users", "create", "quantri", "--role", "admin", "--password", PASSWORD)
    assert r.exit_code != 0 and rows(cli.db_url, User) == []
    assert cli("users", "create", "quantri", "--role", "admin").exit_code == 0  # token-only account
    r = cli("users", "set-password", "quantri")
    assert r.exit_code == 1 and "stdin" in r.output


def test_refused_requests_exit_1_in_one_line(cli: Any) -> None:
    r = cli("users", "create", "x y", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert r.exit_code == 1 and "invalid user name" in r.output and "Traceback" not in r.output
    assert cli("users", "create", "ok-name", "--role", "boss", "--password-stdin", stdin=PASSWORD).exit_code == 1
    assert cli("users", "create", "ok-name", "--role", "admin", "--password-stdin", stdin="short\n").exit_code == 1
    assert cli("users", "disable", "nobody").exit_code == 1


def test_the_last_admin_cannot_be_disabled_or_demoted_and_roles_change(cli: Any) -> None:
    cli("users", "create", "quantri", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert cli("users", "disable", "quantri").exit_code == 1
    assert cli("users", "set-role", "quantri", "viewer").exit_code == 1
    cli("users", "create", "lan", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    assert cli("users", "set-role", "lan", "admin").exit_code == 0
    assert cli("users", "disable", "quantri").exit_code == 0
    assert cli("users", "enable", "quantri").exit_code == 0
    users = {u.name: (u.role, u.disabled) for u in rows(cli.db_url, User)}
    assert users == {"quantri": ("admin", False), "lan": ("admin", False)}
    done = [e.action for e in rows(cli.db_url, AuditEvent)]
    assert {"users.set_role", "users.disable", "users.enable"} <= set(done)


def test_a_token_is_printed_once_stored_hashed_listed_without_secret_and_revoked(cli: Any) -> None:
    from bantin.accounts.tokens import resolve_token

    cli("users", "create", "script", "--role", "analyst")
    r = cli("tokens", "create", "script", "--label", "báo cáo tuần")
    assert r.exit_code == 0, r.output
    plain = r.stdout.strip()
    assert plain.startswith("bt_") and "\n" not in plain
    assert "not be shown again" in r.stderr and plain not in r.stderr
    (token,) = rows(cli.db_url, ApiToken)
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest() and token.created_by == "cli:tester"
    listed = cli("tokens", "list", "--json").stdout
    assert plain not in listed and json.loads(listed)[0]["prefix"] == plain[:8]
    assert cli("tokens", "revoke", str(token.id)).exit_code == 0
    engine = make_engine(cli.db_url)
    with session_factory(engine)() as s:
        assert resolve_token(s, plain) is None
    engine.dispose()
    assert cli("tokens", "revoke", "9999").exit_code == 1
    assert cli("tokens", "create", "nobody").exit_code == 1
    targets = [(e.action, e.target) for e in rows(cli.db_url, AuditEvent) if e.action.startswith("tokens.")]
    assert targets == [("tokens.create", f"token:{token.id}"), ("tokens.revoke", f"token:{token.id}")]
