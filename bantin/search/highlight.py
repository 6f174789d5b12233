"""Highlights on the original text (diacritics kept): the words of a query, found by their folded form.

The index holds folded text only; the spans are found by folding each word of the stored title or text
and comparing it with the query's words, so "do luong" marks "Đô Lương" as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bantin.search.query import Query
from bantin.search.tokens import spans
from bantin.text.diacritics import fold

# Characters of text shown around the first match: two or three lines of a result list.
SNIPPET_CHARS = 240
# Characters kept before the first match, so the reader sees what leads up to it.
SNIPPET_LEAD = 60
ELLIPSIS = "…"


# Compiled patterns kept for the queries of the moment (a page of results reuses its query's for every row).
PATTERN_CACHE = 256
# Not inside a word (the tokens' WORD_RE): no letter or digit before, none after.
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![^\W_])", r"(?![^\W_])"


@lru_cache(maxsize=PATTERN_CACHE)
def _pattern(words: frozenset[str], prefixes: frozenset[str]) -> re.Pattern[str]:
    alts = []
    if words:
        alts.append("(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")" + _EDGE_AFTER)
    if prefixes:
        alts.append("(?:" + "|".join(map(re.escape, sorted(prefixes, key=len, reverse=True))) + r")[^\W_]*")
    return re.compile(_EDGE_BEFORE + "(?:" + "|".join(alts) + ")")


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """[start, end) of every word of ``text`` that is one of the query's (positive) words or prefixes.

    Folding and lowercasing keep the length of NFC text (each letter stays one character), so the folded
    text is searched with one regular expression and its spans are the original's; text where they do not
    (combining marks, the few letters whose lowercase is longer) is matched word by word instead."""
    words, prefixes = frozenset(query.words()), frozenset(query.prefixes())
    if not words and not prefixes:
        return []
    folded = fold(text).lower()
    if len(folded) == len(text):
        return [m.span() for m in _pattern(words, prefixes).finditer(folded)]
    return [(s, e) for s, e, tok in spans(text)
            if tok in words or any(tok.startswith(p) for p in prefixes)]


def snippet(text: str | None, query: Query, size: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]] | None:
    """A window of ``text`` around its first match and the match spans inside it; None without a match."""
    if not text:
        return None
    found = match_spans(text, query)
    if not found:
        return None
    start = max(0, found[0][0] - SNIPPET_LEAD)
    if start > 0:  # begin at a word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < found[0][0] else found[0][0]
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", max(found[0][1], start), end)
        end = space if space > found[0][1] else end
    prefix = ELLIPSIS if start > 0 else ""
    body = prefix + text[start:end] + (ELLIPSIS if end < len(text) else "")
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in found if s >= start and e <= end]
    return body, inside
