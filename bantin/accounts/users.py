"""Users: create, list, disable, change role or password, verify a login (Argon2 via pwdlib)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.store.office import ROLES, User
from bantin.store.types import utcnow

# Login names: short, printable, no spaces (they appear in audit rows as "user:NAME").
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")
# NIST SP 800-63B: at least 8 characters for user-chosen secrets; 12 is what the office's IT policy asks.
MIN_PASSWORD_CHARS = 12
# Argon2 costs time by design; bound the input so a 10 MB "password" cannot be used to burn CPU.
MAX_PASSWORD_CHARS = 1024


class AccountError(ValueError):
    """A request about accounts refused on its merits (bad name, weak password, unknown user)."""


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from pwdlib import PasswordHash

    return PasswordHash.recommended()  # Argon2id with the library's current parameters


def hash_password(password: str) -> str:
    check_password(password)
    return str(_hasher().hash(password))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password too short: at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"password too long: at most {MAX_PASSWORD_CHARS} characters")


# A hash to verify against when the user does not exist, so unknown names take as long as wrong passwords.
_DUMMY: list[str] = []


def verify_login(session: Session, name: str, password: str) -> User | None:
    """The enabled user with this name and password, or None (same work whether or not the name exists)."""
    if len(password) > MAX_PASSWORD_CHARS:
        return None
    user = session.scalar(select(User).where(User.name == name))
    if user is None or user.password_hash is None or user.disabled:
        if not _DUMMY:
            _DUMMY.append(str(_hasher().hash("bantin-timing-equaliser")))
        _hasher().verify(password, _DUMMY[0])
        return None
    ok, new_hash = _hasher().verify_and_update(password, user.password_hash)
    if not ok:
        return None
    if new_hash:  # parameters were raised since: re-hash transparently
        user.password_hash = str(new_hash)
    user.last_login_at = utcnow()
    return user


def create_user(session: Session, name: str, role: str, password: str | None,
                display_name: str | None = None) -> User:
    if not NAME_RE.match(name):
        raise AccountError(f"invalid user name {name!r}: 2-100 letters, digits, '.', '_', '@' or '-'")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AccountError(f"user {name!r} already exists")
    user = User(name=name, role=role, display_name=display_name,
                password_hash=hash_password(password) if password is not None else None)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise AccountError(f"no user named {name!r}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def set_disabled(session: Session, name: str, disabled: bool) -> User:
    """Disable (or re-enable) a user; disabling also ends their browser sessions."""
    from sqlalchemy import delete

    from bantin.store.office import WebSession

    user = get_user(session, name)
    if disabled:
        ensure_admin_remains(session, user)
    user.disabled = disabled
    if disabled:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return user


def set_role(session: Session, user: User, role: str) -> User:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if user.role == "admin" and role != "admin":
        ensure_admin_remains(session, user)
    user.role = role
    return user


def set_password(session: Session, user: User, password: str) -> User:
    """A new password; the browser sessions opened with the old one end."""
    from sqlalchemy import delete

    from bantin.store.office import WebSession

    user.password_hash = hash_password(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return user


class LastAdminError(AccountError):
    """Disabling or demoting the last enabled admin would leave nobody able to manage accounts."""


def ensure_admin_remains(session: Session, user: User) -> None:
    """Refuse to take away the last enabled admin (``user`` is about to be disabled or demoted)."""
    from sqlalchemy import func

    if user.role != "admin" or user.disabled:
        return
    others = session.scalar(select(func.count()).select_from(User)
                            .where(User.role == "admin", User.disabled.is_(False), User.id != user.id))
    if not others:
        raise LastAdminError(f"{user.name!r} is the last enabled admin: create another admin first")
