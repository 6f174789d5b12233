"""API tokens: issued by admins for scripts, shown once, stored hashed, revocable."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.accounts.secrets import TOKEN_PREFIX, TOKEN_SHOWN_CHARS, digest, new_token
from bantin.accounts.users import AccountError
from bantin.store.office import ApiToken, User
from bantin.store.types import utcnow

# last_used_at is written at most this often per token: a script making 300 requests/s must not write 300 rows/s.
LAST_USED_RESOLUTION = timedelta(minutes=5)


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
