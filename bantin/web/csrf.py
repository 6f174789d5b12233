"""The session's CSRF token as pages carry it: masked with a fresh random pad on every page, so that a
compressed page never repeats the same secret bytes beside text an attacker chose (BREACH); the server
unmasks what a form field or the ``X-CSRF-Token`` header brings and compares in constant time."""

from __future__ import annotations

import base64
import hmac
import secrets

# The session's token is secrets.token_urlsafe(32) (accounts/sessions.py): 43 characters.
MAX_TOKEN_CHARS = 200


def mask(token: str) -> str:
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(raw, pad, strict=True))).decode()


def unmask(sent: str) -> str | None:
    """The token inside a masked value; an unmasked token (an API client that read ``csrf_token``) as it is."""
    if not sent or len(sent) > 2 * MAX_TOKEN_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(sent.encode())
    except ValueError:
        return sent
    half = len(raw) // 2
    if len(raw) % 2 or half == 0:
        return sent
    pad, xored = raw[:half], raw[half:]
    try:
        return bytes(a ^ b for a, b in zip(xored, pad, strict=True)).decode()
    except UnicodeDecodeError:
        return sent


def matches(sent: str | None, token: str | None) -> bool:
    if not sent or not token:
        return False
    plain = unmask(sent)
    return plain is not None and hmac.compare_digest(plain.encode(), token.encode())
