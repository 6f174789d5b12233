"""SMTP login when BANTIN_SMTP_USER is set, and the password as a secret: in no repr, error line or log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from bantin.delivery.sender import deliver_due
from tests.delivery.conftest import (
    LoopbackController,
    ScriptedHandler,
    enqueue,
    make_ctx,
    outbox_rows,
    subscribe,
)

# the test server offers AUTH without TLS (loopback only), which aiosmtpd warns about
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
PASSWORD = "mat-khau-SMTP-bi-mat-42"  # noqa: S105 - the test server's credential


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"bantin" and \
        auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture
def auth_smtp() -> Any:
    handler = ScriptedHandler()
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0, authenticator=authenticator,
                                    auth_require_tls=False, auth_required=True,
                                    auth_exclude_mechanism=["LOGIN"])  # its LOGIN stalls on a wrong password
    controller.start()
    yield handler, controller
    controller.stop()


@pytest.mark.parametrize("password, delivered", [(PASSWORD, True), ("sai-" + PASSWORD, False)])
def test_smtp_login_with_the_configured_user_and_no_password_in_errors_or_logs(
        migrated_db_url: str, tmp_path: Path, auth_smtp: Any, password: str, delivered: bool,
        caplog: pytest.LogCaptureFixture) -> None:
    handler, controller = auth_smtp
    ctx = make_ctx(migrated_db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=controller.port,
                   smtp_user="bantin", smtp_password=password)
    try:
        sub = subscribe(ctx, "lanh.dao@example.gov.vn")
        enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)
        with caplog.at_level(logging.DEBUG):
            counts = deliver_due(ctx)
        row = outbox_rows(ctx)[0]
        assert (len(handler.messages) == 1) is delivered
        if not delivered:
            assert counts.get("delivery/email_retry_smtp_refused_us") == 1 and row.state == "failed", (counts, row.last_error)
            assert "535" in (row.last_error or "")
        for text in (row.last_error or "", caplog.text, repr(ctx.settings), str(ctx.settings.model_dump())):
            assert password not in text
    finally:
        ctx.engine.dispose()


def test_a_login_without_starttls_is_refused_outside_loopback_tests() -> None:
    from pydantic import ValidationError

    from bantin.app.settings import Settings
    from bantin.cli.errors import describe

    with pytest.raises(ValidationError) as refused:
        Settings(smtp_host="mail.example.gov.vn", smtp_user="bantin", smtp_password=PASSWORD, smtp_starttls=False)
    described = describe(refused.value)
    assert described is not None and "STARTTLS" in described[0] and PASSWORD not in described[0]
    with pytest.raises(ValidationError) as not_ascii:
        Settings(smtp_host="mail.example.gov.vn", smtp_user="bantin", smtp_password="mật-khẩu")
    described = describe(not_ascii.value)
    assert described is not None and "ASCII" in described[0] and "mật-khẩu" not in described[0]
