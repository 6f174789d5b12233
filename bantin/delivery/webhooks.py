"""Webhook endpoints and signed POSTs, following the Standard Webhooks specification
(https://www.standardwebhooks.com/): headers ``webhook-id`` (stable across retries), ``webhook-timestamp``
(Unix seconds of this attempt) and ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``
keyed with the base64 part of the endpoint's ``whsec_`` secret.

2xx: sent. 410 Gone: the receiver asks us to stop, so the endpoint is disabled (an admin re-enables it).
Anything else, a timeout or a refused connection: retried with backoff. Redirects are not followed (a
signed body is for the URL the admin configured). The secret is shown once, when the endpoint is added.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.delivery.outcome import Outcome, clip
from bantin.store.delivery import OutboxMessage, WebhookEndpoint

SECRET_PREFIX = "whsec_"
# 24 random bytes (192 bits) of key: the spec asks for 24 to 64 bytes.
SECRET_BYTES = 24
# A receiver should answer at once and do its work later (the spec's advice); 10 s is generous.
WEBHOOK_TIMEOUT_S = 10.0
# Only what the receiver says back matters for the decision; the body is read this far for the error line.
MAX_REPLY_BYTES = 2000
MAX_NAME_CHARS = 200
MAX_URL_CHARS = 2000
# The disabled_reason of an endpoint an admin turned off (a 410 stores the receiver's reply instead).
DISABLED_BY_ADMIN = "disabled by an admin"
MASK = "***"
# A path segment this long is a token (Slack's and Discord's hook URLs carry one there), not a word.
SECRET_SEGMENT_CHARS = 20


class WebhookError(ValueError):
    """A refused request about endpoints (a bad URL, a duplicate or unknown name); ``code`` says which, for
    pages that word it in the reader's language (web/routes/admin/webhooks.py)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code  # name | url | duplicate | unknown


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value of the Standard Webhooks spec (scheme v1, HMAC-SHA256)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def add_endpoint(session: Session, name: str, url: str, created_by: str) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (the only time the secret is returned)."""
    name, url = name.strip(), url.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise WebhookError(f"the name must be 1 to {MAX_NAME_CHARS} characters", "name")
    if len(url) > MAX_URL_CHARS or not url.lower().startswith(("https://", "http://")):
        raise WebhookError(f"not an http(s) URL: {url[:100]!r}", "url")
    if session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.name == name)).first() is not None:
        raise WebhookError(f"a webhook named {name!r} exists already", "duplicate")
    secret = new_secret()
    endpoint = WebhookEndpoint(name=name, url=url, secret=secret, created_by=created_by)
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def find_endpoint(session: Session, name: str) -> WebhookEndpoint:
    found = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.name == name.strip())).first()
    if found is None:
        raise WebhookError(f"no webhook named {name!r}", "unknown")
    return found


def set_enabled(endpoint: WebhookEndpoint, enabled: bool, now: datetime) -> None:
    """On again (clearing a 410's reason), or off by an admin: its queued messages are then not sent."""
    endpoint.enabled = enabled
    endpoint.disabled_at, endpoint.disabled_reason = (None, None) if enabled else (now, DISABLED_BY_ADMIN)


def masked_url(url: str) -> str:
    """The URL as lists show it: a user or password in it, every query value and every token-long path
    segment hidden (chat bridges put their tokens there); scheme, host and the rest of the path kept so the
    admin recognises the endpoint."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return MASK
    netloc = (f"{MASK}@" if "@" in parts.netloc else "") + (f"[{host}]" if ":" in host else host) + port
    query = urlencode([(k, MASK) for k, _v in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    path = "/".join(MASK if len(seg) >= SECRET_SEGMENT_CHARS else seg for seg in parts.path.split("/"))
    return urlunsplit((parts.scheme, netloc, path, query, MASK if parts.fragment else ""))


def last_messages(session: Session, endpoint_ids: list[int]) -> dict[int, OutboxMessage]:
    """Each endpoint's newest outbox row (its last delivery's outcome, or what waits), by endpoint id."""
    if not endpoint_ids:
        return {}
    newest = (select(func.max(OutboxMessage.id)).where(OutboxMessage.endpoint_id.in_(endpoint_ids))
              .group_by(OutboxMessage.endpoint_id))
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(newest)))
    return {m.endpoint_id: m for m in rows if m.endpoint_id is not None}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as an HTTPError: retried, never followed


_opener = urllib.request.build_opener(_NoRedirect())


def post(url: str, secret: str, msg_id: str, body: bytes, user_agent: str,
         timeout_s: float = WEBHOOK_TIMEOUT_S, now: float | None = None) -> Outcome:
    timestamp = int(now if now is not None else time.time())
    headers = {"Content-Type": "application/json", "User-Agent": user_agent, "webhook-id": msg_id,
               "webhook-timestamp": str(timestamp), "webhook-signature": sign(secret, msg_id, timestamp, body)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout_s) as response:
            response.read(MAX_REPLY_BYTES)
            return Outcome("sent", "delivery/webhook_sent")
    except urllib.error.HTTPError as exc:
        reply = clip(f"HTTP {exc.code} {exc.read(MAX_REPLY_BYTES).decode('utf-8', 'replace')}")
        if exc.code == 410:
            return Outcome("dead", "delivery/webhook_gone_disabled", reply, disable_endpoint=True)
        return Outcome("retry", f"delivery/webhook_retry_{exc.code // 100}xx", reply)
    except (urllib.error.URLError, OSError, ValueError) as exc:  # refused, timed out, reset, a bad URL
        return Outcome("retry", "delivery/webhook_retry_unreachable", clip(f"{type(exc).__name__}: {exc}"))
