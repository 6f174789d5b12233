"""The search box's language, folded, rendered for SQLite FTS5 (MATCH) and PostgreSQL (tsquery).

    nghe an            both words (AND is implicit; "AND" may be written)
    "đầu tư công"      the phrase (adjacent words, in order)
    lũ OR lụt          either (OR binds tighter than AND: ``a b OR c`` is a AND (b OR c))
    -bóng NOT đá       without these
    đầu*               words starting with "dau"

Diacritics and case do not matter: the query is folded like the index (``search.tokens``). Anything
that is not a word is a separator, so no input is a syntax error: a lone quote, stray operators or
punctuation give a query with fewer (or no) terms; a query without terms matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bantin.search.tokens import tokens

# The search box is for a few words and phrases; 200 characters is a long sentence.
MAX_QUERY_CHARS = 200
# Words over all terms: each is one index lookup; 20 bounds the work of one query (p95 target 50 ms).
MAX_QUERY_TOKENS = 20

_LEX = re.compile(r'(?P<neg>-?)"(?P<phrase>[^"]*)"?(?P<pstar>\*?)|(?P<word>[^\s"]+)')
OR_WORDS = frozenset({"OR", "|"})
AND_WORDS = frozenset({"AND", "&", "+"})
NOT_WORDS = frozenset({"NOT"})


class QueryError(ValueError):
    """A query over a bound (too long, too many words): the caller answers 422 with this message."""


@dataclass(frozen=True)
class Unit:
    """One word or phrase (several tokens, adjacent and in order); ``prefix``: the last token is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts5(self) -> str:
        return '"' + " ".join(self.words) + '"' + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        parts = [f"'{w}'" for w in self.words]
        if self.prefix:
            parts[-1] += ":*"
        return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


@dataclass(frozen=True)
class Query:
    """AND of ``groups`` (each an OR of units), minus documents matching any of ``excluded``."""

    groups: tuple[tuple[Unit, ...], ...] = ()
    excluded: tuple[Unit, ...] = ()

    @property
    def empty(self) -> bool:
        """No term at all: the query matches nothing."""
        return not self.groups and not self.excluded

    def words(self) -> set[str]:
        """The positive words (what highlighting marks)."""
        return {w for g in self.groups for u in g for w in u.words}

    def prefixes(self) -> set[str]:
        return {u.words[-1] for g in self.groups for u in g if u.prefix}

    def fts5_positive(self) -> str | None:
        if not self.groups:
            return None
        return " AND ".join(_fts5_group(g) for g in self.groups)

    def fts5_excluded(self) -> str | None:
        return " OR ".join(u.fts5() for u in self.excluded) if self.excluded else None

    def fts5(self) -> str | None:
        """The MATCH string for the positive part, with the exclusions as FTS5's binary NOT."""
        pos, neg = self.fts5_positive(), self.fts5_excluded()
        if pos is None:
            return None
        return f"({pos}) NOT ({neg})" if neg else pos

    def tsquery_excluded(self) -> str | None:
        return " | ".join(u.tsquery() for u in self.excluded) if self.excluded else None

    def tsquery(self) -> str | None:
        """The tsquery text (cast with ``::tsquery``: the words are already folded lexemes)."""
        if not self.groups:
            return None
        pos = " & ".join("(" + " | ".join(u.tsquery() for u in g) + ")" for g in self.groups)
        neg = self.tsquery_excluded()
        return f"{pos} & !({neg})" if neg else pos


def _fts5_group(group: tuple[Unit, ...]) -> str:
    return group[0].fts5() if len(group) == 1 else "(" + " OR ".join(u.fts5() for u in group) + ")"


def parse(text: str | None) -> Query:
    """The query typed in the search box (see the module docstring); QueryError over the bounds."""
    if not text or not text.strip():
        return Query()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"truy vấn quá dài (query longer than {MAX_QUERY_CHARS} characters)")
    groups: list[list[Unit]] = []
    excluded: list[Unit] = []
    negate = join_or = False
    count = 0
    for m in _LEX.finditer(text):
        raw = m.group("word")
        if raw is not None and raw in OR_WORDS:
            join_or = bool(groups)
            continue
        if raw is not None and raw in AND_WORDS:
            join_or = False
            continue
        if raw is not None and raw in NOT_WORDS:
            negate = True
            continue
        if raw is not None:
            neg = raw.startswith("-")
            prefix = raw.endswith("*")
            words = tuple(tokens(raw))
        else:
            neg, prefix = bool(m.group("neg")), bool(m.group("pstar"))
            words = tuple(tokens(m.group("phrase")))
        if not words:
            continue
        count += len(words)
        if count > MAX_QUERY_TOKENS:
            raise QueryError(f"quá nhiều từ trong truy vấn (more than {MAX_QUERY_TOKENS} words)")
        unit = Unit(words, prefix)
        if neg or negate:
            excluded.append(unit)
        elif join_or and groups:
            groups[-1].append(unit)
        else:
            groups.append([unit])
        negate = join_or = False
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))
