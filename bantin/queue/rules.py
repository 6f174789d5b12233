"""Queue rules: which stories beyond the province's ``primary`` ones enter the queue.

A rule matches a story when one of its copies matches every list the rule sets (an empty list matches
anything): the copy's relevance, its best topic (``classifications.top_topic``), its outlet (source id)
and its language. A rule may name a saved search: its filters (``relevance``, ``topic``/``topics``,
``source_id``/``source_ids``, ``language``/``languages``) and its full-text ``query`` must then match the
same copy too. The query is answered by the search index (``search.match``: the same index and language as
the listing), so a rule admits what its saved search lists; a query without words matches nothing.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.store.office import QueueRule, SavedSearch


@dataclass(frozen=True)
class CopyFacts:
    """What a rule looks at in one copy of a story."""

    relevance: str | None
    topic: str | None
    source_id: int | None
    language: str | None
    article_id: int | None = None


@dataclass(frozen=True)
class Criteria:
    relevance: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    source_ids: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()

    def matches(self, c: CopyFacts) -> bool:
        return (_ok(self.relevance, c.relevance) and _ok(self.topics, c.topic)
                and _ok(self.source_ids, c.source_id) and _ok(self.languages, c.language))


@dataclass(frozen=True)
class ActiveRule:
    id: int
    name: str
    priority: str
    criteria: tuple[Criteria, ...]  # the rule's own, and its saved search's: all must match one copy
    query: str | None = None  # the saved search's full-text query: it must match that same copy

    def matches(self, copies: list[CopyFacts], query_hits: Collection[int] = ()) -> bool:
        """``query_hits``: the copies' article ids the query matches (``search.match.matching_ids``)."""
        return one_copy_matches(self.criteria, self.query, copies, query_hits)


def one_copy_matches(criteria: Collection[Criteria], query: str | None, copies: list[CopyFacts],
                     query_hits: Collection[int] = ()) -> bool:
    """Whether one of ``copies`` matches every one of ``criteria`` and (``query`` set) is one of the article
    ids the query matches, ``query_hits``: a queue rule's test, and an alert rule's saved search's."""
    return any(all(k.matches(c) for k in criteria) and (query is None or c.article_id in query_hits)
               for c in copies)


def _ok(allowed: frozenset[Any], value: Any) -> bool:
    return not allowed or value in allowed


def _list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return [raw]
    return list(raw) if isinstance(raw, list | tuple) else [raw]


def _ints(values: list[Any]) -> frozenset[int]:
    return frozenset(v for v in values if isinstance(v, int) and not isinstance(v, bool))


def rule_criteria(rule: QueueRule) -> Criteria:
    return Criteria(frozenset(map(str, _list(rule.relevance))), frozenset(map(str, _list(rule.topics))),
                    _ints(_list(rule.source_ids)), frozenset(map(str, _list(rule.languages))))


def search_criteria(filters_json: str | None) -> Criteria:
    """A saved search's filters as criteria (unknown keys are ignored; a broken JSON matches nothing)."""
    try:
        f = json.loads(filters_json or "{}")
    except ValueError:
        return Criteria(relevance=frozenset({"\x00never"}))
    if not isinstance(f, dict):
        f = {}

    def pick(*keys: str) -> list[Any]:
        return [v for k in keys for v in _list(f.get(k))]

    return Criteria(frozenset(map(str, pick("relevance"))), frozenset(map(str, pick("topic", "topics"))),
                    _ints(pick("source_id", "source_ids")), frozenset(map(str, pick("language", "languages"))))


def active_rules(session: Session) -> list[ActiveRule]:
    """The enabled rules, oldest first, with their saved searches' filters."""
    rows = session.execute(select(QueueRule, SavedSearch.filters, SavedSearch.query)
                           .outerjoin(SavedSearch, SavedSearch.id == QueueRule.saved_search_id)
                           .where(QueueRule.enabled.is_(True)).order_by(QueueRule.id)).all()
    out = []
    for rule, filters, query in rows:
        crit = [rule_criteria(rule)]
        if rule.saved_search_id is not None:
            crit.append(search_criteria(filters))
        text = query if rule.saved_search_id is not None and query and query.strip() else None
        out.append(ActiveRule(rule.id, rule.name, rule.priority, tuple(crit), text))
    return out
