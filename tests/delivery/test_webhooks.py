"""Webhooks through the outbox to a loopback HTTP receiver (tests/httpfixtures.py), SQLite and PostgreSQL:
Standard Webhooks signatures that an independent verifier accepts (and the spec's published example), a
receiver answering 500 gets retries with the same webhook-id, 410 disables the endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bantin.delivery import webhooks
from bantin.delivery.outbox import enqueue_webhook
from bantin.delivery.sender import deliver_due
from bantin.store.delivery import WebhookEndpoint
from bantin.store.schema import AuditEvent
from tests.delivery.conftest import at, outbox_rows
from tests.httpfixtures import Handler, HostileServer

# The Standard Webhooks specification's published example (the reference libraries' test of `sign`,
# github.com/standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
# The spec's advice to receivers: refuse timestamps more than five minutes away from their clock.
TOLERANCE_S = 300


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """A receiver's check written from the spec, independently of bantin.delivery.webhooks.sign."""
    msg_id, stamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(stamp)) > TOLERANCE_S:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, msg_id.encode() + b"." + stamp.encode() + b"." + body,
                                         hashlib.sha256).digest())
    return any(hmac.compare_digest(expected, sig.partition(",")[2].encode())
               for sig in headers["webhook-signature"].split() if sig.startswith("v1,"))


def test_signatures_reproduce_the_specifications_published_example() -> None:
    assert webhooks.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


class Receiver:
    """Answers POST /hook with the next status of ``statuses`` (then 200)."""

    def __init__(self, srv: HostileServer, statuses: list[int]) -> None:
        self.srv, self.statuses = srv, statuses
        srv.route("/hook", self._answer)

    def _answer(self, h: Handler) -> None:
        h.reply(self.statuses.pop(0) if self.statuses else 200, b"ok", {"Content-Type": "text/plain"})

    @property
    def posts(self) -> list[Any]:
        return [r for r in self.srv.requests if r.method == "POST" and r.path == "/hook"]


@pytest.fixture
def http() -> Iterator[HostileServer]:
    with HostileServer() as srv:
        yield srv


def endpoint_and_message(ctx: Any, url: str, key: str = "alert:5:webhook:1") -> tuple[int, str]:
    with ctx.sessions() as s:
        endpoint, secret = webhooks.add_endpoint(s, "kênh trực ban", url, "test")
        enqueue_webhook(s, key, endpoint, {"type": "alert.fired", "rule": "Tin nổi bật", "stories": [12, 15]})
        s.commit()
    return endpoint.id, secret


def test_a_delivered_webhook_carries_a_signature_an_independent_verifier_accepts(ctx: Any, http: HostileServer) -> None:
    receiver = Receiver(http, [])
    _, secret = endpoint_and_message(ctx, http.url("/hook"))
    assert deliver_due(ctx)["delivery/webhook_sent"] == 1
    [post] = receiver.posts
    assert verify(secret, post.headers, post.body)
    assert not verify(secret, post.headers, post.body + b" ")  # a changed body fails
    assert post.headers["webhook-id"] == outbox_rows(ctx)[0].message_id
    assert json.loads(post.body) == {"type": "alert.fired", "rule": "Tin nổi bật", "stories": [12, 15]}
    assert post.headers["content-type"] == "application/json" and outbox_rows(ctx)[0].state == "sent"


def test_a_receiver_answering_500_gets_retries_with_the_same_id(ctx: Any, http: HostileServer) -> None:
    receiver = Receiver(http, [500, 500])
    _, secret = endpoint_and_message(ctx, http.url("/hook"))
    assert deliver_due(ctx)["delivery/webhook_retry_5xx"] == 1
    row = outbox_rows(ctx)[0]
    assert row.state == "failed" and "HTTP 500" in (row.last_error or "")
    deliver_due(ctx, now=at(2))  # second attempt: 500 again
    deliver_due(ctx, now=at(2))  # not due yet
    deliver_due(ctx, now=at(10))  # third attempt: 200
    assert len(receiver.posts) == 3 and outbox_rows(ctx)[0].state == "sent"
    assert len({p.headers["webhook-id"] for p in receiver.posts}) == 1
    assert all(verify(secret, p.headers, p.body) for p in receiver.posts[-1:])


def test_a_receiver_answering_410_disables_the_endpoint(ctx: Any, http: HostileServer) -> None:
    receiver = Receiver(http, [410])
    endpoint_id, _ = endpoint_and_message(ctx, http.url("/hook"))
    with ctx.sessions() as s:
        enqueue_webhook(s, "alert:6:webhook:1", s.get(WebhookEndpoint, endpoint_id), {"type": "alert.fired"})
        s.commit()
    counts = deliver_due(ctx)
    assert counts["delivery/webhook_gone_disabled"] == 1 and counts["delivery/cancelled_endpoint_disabled"] == 1
    assert len(receiver.posts) == 1 and [r.state for r in outbox_rows(ctx)] == ["dead", "dead"]
    with ctx.sessions() as s:
        endpoint = s.get(WebhookEndpoint, endpoint_id)
        assert not endpoint.enabled and "410" in (endpoint.disabled_reason or "")
        assert enqueue_webhook(s, "alert:7:webhook:1", endpoint, {"type": "alert.fired"}) is None
        assert s.scalars(select(AuditEvent.target).where(AuditEvent.action == "delivery.webhook_disabled")).all() \
            == [f"webhook:{endpoint_id}"]
    deliver_due(ctx, now=at(120))
    assert len(receiver.posts) == 1


def test_an_unreachable_receiver_is_retried(ctx: Any, http: HostileServer) -> None:
    endpoint_and_message(ctx, "http://127.0.0.1:9/hook")  # the discard port: nothing listens
    assert deliver_due(ctx)["delivery/webhook_retry_unreachable"] == 1
    assert outbox_rows(ctx)[0].state == "failed"
