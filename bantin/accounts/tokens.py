"""API tokens: issued by admins for scripts, shown once, stored hashed, revocable.

Resolved tokens are remembered for a few seconds (:class:`TokenCache`): a script's every request would
otherwise cost a session and a lookup. The bound: a token revoked, or its user disabled or given another
role, stops being honoured at once in the process that made the change (the ORM events below empty the
cache) and within ``TOKEN_CACHE_S`` in the others (the other API workers, after a CLI ``tokens revoke``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bantin.accounts.secrets import TOKEN_PREFIX, TOKEN_SHOWN_CHARS, digest, new_token
from bantin.accounts.users import AccountError
from bantin.store.office import ApiToken, User
from bantin.store.types import utcnow

# last_used_at is written at most this often per token: a script making 300 requests/s must not write 300 rows/s.
LAST_USED_RESOLUTION = timedelta(minutes=5)
# A resolved token is trusted this long without the database: the bound after which a revocation made by
# another process (another API worker, the CLI) is honoured; short against LAST_USED_RESOLUTION, so the
# lookup that renews an entry still writes last_used_at about as often as before.
TOKEN_CACHE_S = 5.0
# Tokens remembered at most: an office runs a few dozen scripts; past this the cache starts over.
MAX_CACHED_TOKENS = 1024

V = TypeVar("V")


class TokenCache(Generic[V]):
    """What a presented token resolved to (keyed by its digest), for ``ttl`` seconds. Only tokens that
    resolved are kept: a made-up token costs a lookup every time, as before, and cannot fill the cache."""

    def __init__(self, ttl: float = TOKEN_CACHE_S, clock: Callable[[], float] = time.monotonic,
                 max_entries: int = MAX_CACHED_TOKENS) -> None:
        self.ttl = ttl
        self.clock = clock
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, plain: str) -> V | None:
        hit = self._entries.get(digest(plain))
        if hit is None or hit[0] <= self.clock():
            return None
        return hit[1]

    def put(self, plain: str, value: V) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[digest(plain)] = (self.clock() + self.ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# The process's cache (api/auth.py fills and reads it); every cache made here is emptied by the events below.
TOKEN_CACHE: TokenCache[Any] = TokenCache()


def forget_resolved_tokens(*_args: Any) -> None:
    """Empty the cache: a token or a user changed in this process (revoked, disabled, another role)."""
    TOKEN_CACHE.clear()


for _model in (ApiToken, User):
    for _change in ("after_update", "after_delete"):
        event.listen(_model, _change, forget_resolved_tokens)


def issue_token(session: Session, user: User, label: str | None, created_by: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: (its row, the plaintext to show once)."""
    plain = new_token(TOKEN_PREFIX)
    row = ApiToken(user_id=user.id, label=label, token_hash=digest(plain), prefix=plain[:TOKEN_SHOWN_CHARS],
                   created_by=created_by)
    session.add(row)
    session.flush()
    return row, plain


def resolve_token(session: Session, plain: str) -> tuple[ApiToken, User] | None:
    """The live token and its enabled user for a presented bearer token, or None."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    hit = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                          .where(ApiToken.token_hash == digest(plain))).first()
    if hit is None:
        return None
    token, user = hit
    if token.revoked_at is not None or user.disabled:
        return None
    return token, user


def needs_touch(token: ApiToken) -> bool:
    return token.last_used_at is None or utcnow() - token.last_used_at > LAST_USED_RESOLUTION


def revoke_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise AccountError(f"no token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def list_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    rows = session.execute(select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
                           .order_by(ApiToken.id)).all()
    return [(t, n) for t, n in rows]
