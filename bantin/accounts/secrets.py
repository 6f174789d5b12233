"""Random credentials and their stored form: the plaintext is shown once, the database keeps a SHA-256."""

from __future__ import annotations

import hashlib
import secrets

# 32 random bytes (256 bits) for tokens and session cookies: far beyond guessing, 43 URL-safe characters.
TOKEN_BYTES = 32
# API tokens start with this, so a leaked one is recognisable (secret scanners, logs) and tells its kind.
TOKEN_PREFIX = "bt_"
# Characters of a token kept in clear to tell tokens apart in lists (the prefix and 5 random characters).
TOKEN_SHOWN_CHARS = 8


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """The stored form of a token: random 256-bit tokens need no slow hash, SHA-256 suffices."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
