"""`bantin subscriptions add|list|remove`, `bantin webhooks ...` and `bantin outbox deliver`: one-line
refusals (exit 1), every change audited with the operator as the actor, a webhook secret shown only once."""

from __future__ import annotations

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
from bantin.store.delivery import OutboxMessage, Subscription, WebhookEndpoint
from bantin.store.schema import AuditEvent
from tests.delivery.conftest import PUBLIC_URL


@pytest.fixture
def cli(migrated_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("BANTIN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BANTIN_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("BANTIN_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setattr("getpass.getuser", lambda: "tester")
    get_settings.cache_clear()

    def run(*args: str) -> Any:
        return CliRunner().invoke(app, list(args))

    run.db_url = migrated_db_url  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()


def rows(db_url: str, model: Any) -> list[Any]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        found = list(s.scalars(select(model)))
        s.expunge_all()
    engine.dispose()
    return found


def test_subscriptions_add_list_remove_audited(cli: Any) -> None:
    added = cli("subscriptions", "add", "Giam.Doc@Example.gov.vn", "--name", "Giám đốc Sở", "--digest", "daily",
                "--rule", "Thiên tai", "--rule", "Báo nước ngoài")
    assert added.exit_code == 0, added.output
    [sub] = rows(cli.db_url, Subscription)
    assert sub.email == "giam.doc@example.gov.vn" and sub.digest == "daily" and sub.active
    assert json.loads(sub.rules) == ["Báo nước ngoài", "Thiên tai"]
    assert f"{PUBLIC_URL}/unsubscribe/{sub.token}" in added.output

    listed = cli("subscriptions", "list", "--json")
    assert listed.exit_code == 0
    [row] = json.loads(listed.output)
    assert row["email"] == "giam.doc@example.gov.vn" and row["name"] == "Giám đốc Sở" and "token" not in row
    table = cli("subscriptions", "list")
    assert table.exit_code == 0 and "Người nhận (subscriptions): 1" in table.output

    removed = cli("subscriptions", "remove", "giam.doc@example.gov.vn")
    assert removed.exit_code == 0 and rows(cli.db_url, Subscription) == []
    audit = [(a.actor, a.action, a.target) for a in rows(cli.db_url, AuditEvent)]
    assert ("cli:tester", "subscriptions.add", f"subscription:{sub.id}") in audit
    assert ("cli:tester", "subscriptions.remove", f"subscription:{sub.id}") in audit


@pytest.mark.parametrize("args, message", [
    (("subscriptions", "add", "không-phải-địa-chỉ"), "not an email address"),
    (("subscriptions", "add", "a@example.gov.vn", "--digest", "weekly"), "--digest must be one of"),
    (("subscriptions", "remove", "chua.co@example.gov.vn"), "no subscription for"),
    (("webhooks", "add", "kênh", "ftp://example.gov.vn/hook"), "not an http(s) URL"),
    (("webhooks", "remove", "không có"), "no webhook named"),
])
def test_refusals_are_one_line_with_exit_1(cli: Any, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_a_duplicate_address_is_refused(cli: Any) -> None:
    assert cli("subscriptions", "add", "trung@example.gov.vn").exit_code == 0
    again = cli("subscriptions", "add", "TRUNG@example.gov.vn")
    assert again.exit_code == 1 and "already subscribed" in again.output


def test_a_webhook_secret_is_shown_once_and_never_listed(cli: Any) -> None:
    added = cli("webhooks", "add", "trực ban", "https://chat.example.gov.vn/hook")
    assert added.exit_code == 0, added.output
    [endpoint] = rows(cli.db_url, WebhookEndpoint)
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in added.output
    listed = cli("webhooks", "list")
    assert "trực ban" in listed.output and endpoint.secret not in listed.output


def test_outbox_deliver_without_smtp_leaves_emails_waiting(cli: Any) -> None:
    from bantin.delivery.outbox import enqueue_email
    from tests.delivery.conftest import digest_message

    assert cli("subscriptions", "add", "cho@example.gov.vn", "--digest", "daily").exit_code == 0
    engine = make_engine(cli.db_url)
    with session_factory(engine)() as s:
        sub = s.scalars(select(Subscription)).one()
        enqueue_email(s, f"digest:2026-12-01:sub:{sub.id}", sub, digest_message(), settings=get_settings())
        s.commit()
    engine.dispose()
    result = cli("outbox", "deliver", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"delivery/email_waiting_no_smtp": 1}
    listed = cli("outbox", "list", "--state", "queued")
    assert listed.exit_code == 0 and "Hộp thư đi (outbox): 1" in listed.output
    assert "Hộp thư đi (outbox): 0" in cli("outbox", "list", "--state", "sent").output


def test_digest_send_queues_once_per_day_and_dry_run_only_lists(cli: Any) -> None:
    assert cli("subscriptions", "add", "giam.doc@example.gov.vn", "--digest", "daily", "--topic", "tourism").exit_code == 0
    dry = cli("digest", "send", "--date", "2026-12-01", "--dry-run")
    assert dry.exit_code == 0 and "giam.doc@example.gov.vn" in dry.output and rows(cli.db_url, OutboxMessage) == []
    first = cli("digest", "send", "--date", "2026-12-01")
    assert first.exit_code == 0, first.output
    assert "queued) 1" in first.output and "waiting for BANTIN_SMTP_HOST) 1" in first.output
    second = cli("digest", "send", "--date", "2026-12-01")
    assert "queued) 0" in second.output and "already) 1" in second.output
    assert len(rows(cli.db_url, OutboxMessage)) == 1
    [sub] = rows(cli.db_url, Subscription)
    assert json.loads(sub.topics) == ["tourism"]


def test_an_unknown_digest_topic_is_refused(cli: Any) -> None:
    result = cli("subscriptions", "add", "a@example.gov.vn", "--topic", "chinh-tri")
    assert result.exit_code == 1 and "unknown topics" in result.output and rows(cli.db_url, Subscription) == []
