"""Highlights on the original text (diacritics kept): the words of a query, found by their folded form.

The index holds folded text only; the spans are where the stored title or text, folded and lowercased,
has the query's words, so "do luong" marks "Đô Lương" as written. Text whose every character folds and
lowercases to one character of the same kind (letter or digit, or neither) -- all real items so far -- is
searched as written, with each folded letter of the query standing for every character that folds to it
(``d`` for ``dDđĐ``...): no folded copy of the text is made. Other text is folded first, as before.
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


_WORD_CHAR = re.compile(r"[^\W_]")
_SIGMA = "\u03a3"  # the one letter whose lowercase depends on its neighbours (final sigma)


@lru_cache(maxsize=1)
def _as_written() -> tuple[re.Pattern[str], dict[str, str]]:
    """The characters that need the folded copy (their fold-and-lower is not one character of their own
    kind, or depends on context; astral and surrogate code points too), and for each folded character the
    pattern of every BMP character that folds and lowercases to it. ~0.1 s, once per process."""
    special: list[str] = []
    folding_to: dict[str, list[str]] = {}
    for cp in range(0x10000):
        ch = chr(cp)
        low = fold(ch).lower()
        if (len(low) != 1 or ch == _SIGMA or 0xD800 <= cp <= 0xDFFF
                or (_WORD_CHAR.match(ch) is None) != (_WORD_CHAR.match(low) is None)):
            special.append(ch)
        else:
            folding_to.setdefault(low, []).append(ch)
    needs_folding = re.compile("[" + "".join(map(re.escape, special)) + "\U00010000-\U0010ffff]")
    classes = {low: "[" + "".join(map(re.escape, chars)) + "]" if len(chars) > 1 else re.escape(chars[0])
               for low, chars in folding_to.items()}
    return needs_folding, classes


def _written(term: str, classes: dict[str, str]) -> str:
    return "".join(classes.get(ch, "(?!)") for ch in term)  # (?!): no character folds to it


@lru_cache(maxsize=PATTERN_CACHE)
def _written_pattern(words: frozenset[str], prefixes: frozenset[str]) -> re.Pattern[str]:
    """:func:`_pattern` for the text as written: the same alternatives in the same order."""
    classes = _as_written()[1]
    alts = []
    if words:
        alts.append("(?:" + "|".join(_written(w, classes) for w in sorted(words, key=len, reverse=True)) + ")"
                    + _EDGE_AFTER)
    if prefixes:
        alts.append("(?:" + "|".join(_written(p, classes) for p in sorted(prefixes, key=len, reverse=True))
                    + r")[^\W_]*")
    return re.compile(_EDGE_BEFORE + "(?:" + "|".join(alts) + ")")


@lru_cache(maxsize=PATTERN_CACHE)
def _terms(query: Query) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(query.words()), frozenset(query.prefixes())


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """[start, end) of every word of ``text`` that is one of the query's (positive) words or prefixes.

    Folding and lowercasing keep the length of NFC text (each letter stays one character), so the folded
    text is searched with one regular expression and its spans are the original's; text where they do not
    (combining marks, the few letters whose lowercase is longer) is matched word by word instead."""
    words, prefixes = _terms(query)
    if not words and not prefixes:
        return []
    if _as_written()[0].search(text) is None:  # every character folds to one of its kind: no copy needed
        return [m.span() for m in _written_pattern(words, prefixes).finditer(text)]
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
