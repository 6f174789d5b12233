"""Alert rules in the database: add, list, remove (issue #11). DB-facing, unlike the pure detector modules.

A rule has a name (what subscriptions follow: ``bantin subscriptions add --rule NAME``), a kind
(``store.alerting.RULE_KINDS``), optional taxonomy topics narrowing it and a cool-down (volume spikes).
Imports: ``store`` (the tables) and ``classify``'s taxonomy keys; the callers audit and commit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.store.alerting import RULE_KINDS, AlertRule
from bantin.store.office import SavedSearch

MAX_NAME_CHARS = 200
# A rule narrows to a handful of topics; the taxonomy has about twenty.
MAX_TOPICS = 50
# The detector's own episode length (alerts.detector.COOLDOWN, 3 h): one alert per burst.
DEFAULT_COOLDOWN_MINUTES = 180
# A week: a longer silence would hide the next week's episode of the same series.
MAX_COOLDOWN_MINUTES = 7 * 24 * 60
# An office has tens of rules; a listing is bounded anyway.
MAX_LISTED = 1000


class RuleError(ValueError):
    """A rule refused on its merits (a bad name or kind, an unknown topic, a duplicate): one line; ``code``
    says which, for pages that word it in the reader's language (web/routes/admin/alerts.py)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code  # name | kind | topics | cooldown | saved_search | duplicate | unknown


def topic_list(rule: AlertRule) -> list[str]:
    return list(json.loads(rule.topics or "[]"))


def add_rule(session: Session, name: str, kind: str, *, topics: Sequence[str] = (),
             cooldown_minutes: int = DEFAULT_COOLDOWN_MINUTES, saved_search_id: int | None = None,
             created_by: str) -> AlertRule:
    from bantin.classify.topics.taxonomy import TOPIC_KEYS

    clean = name.strip()
    if not clean or len(clean) > MAX_NAME_CHARS or any(ord(c) < 32 for c in clean):
        raise RuleError(f"tên quy tắc phải là một dòng 1–{MAX_NAME_CHARS} ký tự (the name must be one line)", "name")
    if kind not in RULE_KINDS:
        raise RuleError(f"loại không hợp lệ (unknown kind) {kind[:40]!r}; dùng (use): {', '.join(RULE_KINDS)}", "kind")
    keys = sorted({t.strip() for t in topics if t.strip()})
    unknown = [t for t in keys if t not in TOPIC_KEYS]
    if unknown or len(keys) > MAX_TOPICS:
        raise RuleError(f"chủ đề không có (unknown topics) {', '.join(t[:40] for t in unknown[:5])}; "
                        f"dùng (use): {', '.join(TOPIC_KEYS)}", "topics")
    if not 0 <= cooldown_minutes <= MAX_COOLDOWN_MINUTES:
        raise RuleError(f"--cooldown phải từ 0 đến {MAX_COOLDOWN_MINUTES} phút (minutes)", "cooldown")
    if saved_search_id is not None and session.get(SavedSearch, saved_search_id) is None:
        raise RuleError(f"không có tìm kiếm đã lưu (no saved search) số {saved_search_id}", "saved_search")
    if find_rule(session, clean) is not None:
        raise RuleError(f"quy tắc {clean!r} đã có (a rule of that name exists)", "duplicate")
    rule = AlertRule(name=clean, kind=kind, topics=json.dumps(keys), cooldown_minutes=cooldown_minutes,
                     saved_search_id=saved_search_id, enabled=True, created_by=created_by)
    session.add(rule)
    session.flush()
    return rule


def find_rule(session: Session, name: str) -> AlertRule | None:
    return session.scalars(select(AlertRule).where(AlertRule.name == name.strip())).first()


def list_rules(session: Session, *, enabled_only: bool = False, limit: int = MAX_LISTED) -> list[AlertRule]:
    query = select(AlertRule).order_by(AlertRule.id).limit(limit)
    if enabled_only:
        query = query.where(AlertRule.enabled)
    return list(session.scalars(query))


def remove_rule(session: Session, name: str) -> AlertRule:
    """Delete the rule; its alerts stay as history (rule_id SET NULL)."""
    rule = find_rule(session, name)
    if rule is None:
        raise RuleError(f"không có quy tắc (no rule named) {name.strip()[:100]!r}", "unknown")
    session.delete(rule)
    return rule


def set_enabled(session: Session, name: str, enabled: bool) -> AlertRule:
    """Turn a rule off (it is not evaluated; its alerts and followers stay) or on again."""
    rule = find_rule(session, name)
    if rule is None:
        raise RuleError(f"không có quy tắc (no rule named) {name.strip()[:100]!r}", "unknown")
    rule.enabled = enabled
    return rule
