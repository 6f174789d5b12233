"""Subscriptions: who gets the daily digest and which alert rules, and unsubscribing (by token or by an admin).

An address is stored lower-cased and is unique: one subscription per address. A subscription is never
re-activated behind its owner's back: adding an address that unsubscribed is refused until an admin removes
the old row (the unsubscription is the owner's decision).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.store.delivery import DIGEST_CHOICES, EMAIL_MAX, Subscription
from bantin.store.types import utcnow

# 32 random bytes: 256 bits, far beyond guessing, 43 URL-safe characters in the link.
UNSUBSCRIBE_TOKEN_BYTES = 32
# A plain addr-spec (local@domain.tld) without spaces or angle brackets: enough to catch typos; the
# mail server is the real judge (a 5xx flags the address).
EMAIL_RE = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")
# Rule names as bantin's alert rules name them; a subscription follows a handful, not hundreds.
MAX_RULES = 50
MAX_RULE_CHARS = 200
MAX_NAME_CHARS = 200


class SubscriptionError(ValueError):
    """A request refused on its merits (a bad address, a duplicate, an unknown one): one line for the user;
    ``code`` says which, for pages that word it in the reader's language."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code  # email | digest | rules | name | duplicate | unknown


def normalize_email(email: str) -> str:
    address = email.strip().lower()
    if len(address) > EMAIL_MAX or not EMAIL_RE.match(address):
        raise SubscriptionError(f"địa chỉ thư không hợp lệ (not an email address): {email.strip()[:100]!r}", "email")
    return address


def add_subscription(session: Session, email: str, *, name: str | None = None, digest: str = "none",
                     rules: Sequence[str] = (), topics: Sequence[str] = (), created_by: str) -> Subscription:
    """A new subscription; ``topics`` (the digest's topic keys, checked by the caller against the taxonomy)
    narrow the daily digest, none means every topic."""
    address = normalize_email(email)
    if digest not in DIGEST_CHOICES:
        raise SubscriptionError(f"--digest must be one of {', '.join(DIGEST_CHOICES)}, not {digest!r}", "digest")
    clean_rules = sorted({r.strip() for r in rules if r.strip()})
    clean_topics = sorted({t.strip() for t in topics if t.strip()})
    if len(clean_rules) > MAX_RULES or any(len(r) > MAX_RULE_CHARS for r in (*clean_rules, *clean_topics)) \
            or len(clean_topics) > MAX_RULES:
        raise SubscriptionError(f"at most {MAX_RULES} rules of {MAX_RULE_CHARS} characters each", "rules")
    if name is not None and (len(name) > MAX_NAME_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in name)):
        raise SubscriptionError(f"the name must be one line of at most {MAX_NAME_CHARS} characters", "name")
    existing = find_by_email(session, address)
    if existing is not None:
        state = "đã hủy đăng ký (unsubscribed)" if not existing.active else "đang nhận (active)"
        raise SubscriptionError(f"{address} đã có (already subscribed): {state}", "duplicate")
    sub = Subscription(email=address, name=(name or "").strip() or None, digest=digest,
                       rules=json.dumps(clean_rules, ensure_ascii=False), topics=json.dumps(clean_topics),
                       token=secrets.token_urlsafe(UNSUBSCRIBE_TOKEN_BYTES), created_by=created_by)
    session.add(sub)
    session.flush()
    return sub


def find_by_email(session: Session, email: str) -> Subscription | None:
    return session.scalars(select(Subscription).where(Subscription.email == email.strip().lower())).first()


def find_by_token(session: Session, token: str) -> Subscription | None:
    if not token or len(token) > 64:
        return None
    return session.scalars(select(Subscription).where(Subscription.token == token)).first()


def list_subscriptions(session: Session, limit: int = 10_000) -> list[Subscription]:
    return list(session.scalars(select(Subscription).order_by(Subscription.email).limit(limit)))


def active_subscriptions(session: Session, *, digest: str | None = None, rule: str | None = None,
                         limit: int = 10_000) -> list[Subscription]:
    """Who to send to: active subscriptions, those of ``digest`` ("daily") and/or following alert ``rule``."""
    query = select(Subscription).where(Subscription.active).order_by(Subscription.id).limit(limit)
    if digest is not None:
        query = query.where(Subscription.digest == digest)
    subs = list(session.scalars(query))
    return subs if rule is None else [x for x in subs if rule in rule_names(x)]


def remove_subscription(session: Session, email: str) -> Subscription:
    sub = find_by_email(session, email)
    if sub is None:
        raise SubscriptionError(f"không có đăng ký (no subscription for) {email.strip()[:100]!r}", "unknown")
    session.delete(sub)  # its outbox rows keep their history (subscription_id SET NULL) and are not sent
    return sub


def unsubscribe(sub: Subscription, now: datetime | None = None) -> bool:
    """Stop sending to ``sub``; False when it was already unsubscribed (a second click changes nothing)."""
    if not sub.active:
        return False
    sub.active = False
    sub.unsubscribed_at = now or utcnow()
    return True


def rule_names(sub: Subscription) -> list[str]:
    return list(json.loads(sub.rules or "[]"))


def topic_keys(sub: Subscription) -> list[str]:
    """The digest's topics for ``sub``; empty: every topic."""
    return list(json.loads(sub.topics or "[]"))
