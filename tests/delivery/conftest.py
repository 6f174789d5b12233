"""Delivery fixtures: a real SMTP server on loopback (aiosmtpd) whose answers a test can script, and the app's
context on a fresh migrated database (SQLite and PostgreSQL) configured to send through it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.web.conftest import web  # noqa: F401 - the web UI's app fixture, for the unsubscribe pages

PUBLIC_URL = "https://bantin.example.gov.vn"
MAIL_FROM = "Sở Thông tin và Truyền thông <bantin@example.gov.vn>"


@dataclass
class Captured:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class ScriptedHandler:
    """Accepts everything, unless told: ``rcpt_replies`` are answered (in order) to the next RCPTs,
    ``refuse[address]`` to every RCPT of that address."""

    messages: list[Captured] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    stall_s: float = 0.0  # wait this long before answering each RCPT (a sender killed mid-send)
    rcpt_seen: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.rcpt_seen.set()
        if self.stall_s:
            await asyncio.sleep(self.stall_s)
        if address in self.refuse:
            return self.refuse[address]
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(Captured(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Ok: queued"

    def to(self, address: str) -> list[Captured]:
        return [m for m in self.messages if address in m.rcpt_tos]


class LoopbackController(Controller):
    """aiosmtpd's Controller on port 0: the port the system chose is read back before the first connection."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp() -> Iterator[tuple[ScriptedHandler, LoopbackController]]:
    handler = ScriptedHandler()
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    yield handler, controller
    if controller._thread is not None:  # a test may have stopped it (the server is down)
        controller.stop()


def make_ctx(db_url: str, tmp_path: Path, **settings: Any) -> Any:
    from bantin.app.context import open_app
    from bantin.app.settings import Settings

    defaults: dict[str, Any] = {"public_url": PUBLIC_URL, "mail_from": MAIL_FROM, "smtp_starttls": False,
                                "smtp_timeout_s": 5.0}
    return open_app(Settings(database_url=db_url, data_dir=tmp_path / "data", allow_loopback=True,
                             **{**defaults, **settings}), seed_sources=False)


@pytest.fixture
def ctx(migrated_db_url: str, tmp_path: Path, smtp: tuple[ScriptedHandler, LoopbackController]) -> Iterator[Any]:
    c = make_ctx(migrated_db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=smtp[1].port)
    yield c
    c.engine.dispose()


def subscribe(ctx: Any, email_address: str, name: str | None = None, digest: str = "daily") -> Any:
    from bantin.delivery.subscriptions import add_subscription

    with ctx.sessions() as s:
        sub = add_subscription(s, email_address, name=name, digest=digest, created_by="test")
        s.commit()
    return sub


def digest_message(subject: str = "Điểm báo ngày 01/12/2026") -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg.set_content("Tin nổi bật hôm nay về tỉnh Nghệ An.\n")
    msg.add_alternative("<p>Tin nổi bật hôm nay về tỉnh <b>Nghệ An</b>.</p>", subtype="html")
    return msg


def enqueue(ctx: Any, key: str, sub: Any, message: EmailMessage | None = None) -> int | None:
    from bantin.delivery.outbox import enqueue_email
    from bantin.store.delivery import Subscription

    with ctx.sessions() as s:
        row = enqueue_email(s, key, s.get(Subscription, sub.id), message or digest_message(), settings=ctx.settings)
        s.commit()
    return row


def outbox_rows(ctx: Any) -> list[Any]:
    from sqlalchemy import select

    from bantin.store.delivery import OutboxMessage

    with ctx.sessions() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def at(minutes: float, start: datetime | None = None) -> datetime:
    """``minutes`` after ``start`` (default: now), for a sender run "later"."""
    from datetime import timedelta

    from bantin.store.types import utcnow

    return (start or utcnow()) + timedelta(minutes=minutes)
