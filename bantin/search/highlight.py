"""Highlights on the original text (diacritics kept): the words of a query, found by their folded form.

The index holds folded text only; the spans are where the stored title or text, folded and lowercased,
has the query's words, so "do luong" marks "Đô Lương" as written. Text whose every character folds and
lowercases to one character of the same kind (letter or digit, or neither) -- all real items so far -- is
searched as written, with each folded letter of the query standing for every character that folds to it
(``d`` for ``dDđĐ``...): no folded copy of the text is made. Other text is folded first, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
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


def _alternatives(terms: list[str], spell: Callable[[str], str], prefixes: list[str]) -> str:
    """Whole words, then prefixes (each with its rest of the word), longest first, each spelt by ``spell``."""
    alts = []
    if terms:
        alts.append("(?:" + "|".join(spell(t) for t in sorted(terms, key=len, reverse=True)) + ")" + _EDGE_AFTER)
    if prefixes:
        alts.append("(?:" + "|".join(spell(p) for p in sorted(prefixes, key=len, reverse=True)) + r")[^\W_]*")
    return "(?:" + "|".join(alts) + ")"


def _starting(chars: set[str]) -> str:
    """A lookahead for the characters a match can start with: the regex engine tries the word-edge test and
    the alternatives only where one of them stands (~30 % less time on real texts); same matches."""
    return "(?=[" + "".join(map(re.escape, sorted(chars))) + "])" if chars else "(?!)"


_WORD_CHAR = re.compile(r"[^\W_]")
_SIGMA = "\u03a3"  # the one letter whose lowercase depends on its neighbours (final sigma)


@lru_cache(maxsize=1)
def _as_written() -> tuple[re.Pattern[str], dict[str, list[str]]]:
    """The characters that need the folded copy (their fold-and-lower is not one character of their own
    kind, or depends on context; astral and surrogate code points too), and for each folded character
    every BMP character that folds and lowercases to it. ~0.1 s, once per process."""
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
    return needs_folding, folding_to


class Matcher:
    """The compiled patterns of one query's positive words and prefixes (built once per query: a page of
    results uses it for every title and snippet)."""

    def __init__(self, query: Query) -> None:
        self.words, self.prefixes = frozenset(query.words()), frozenset(query.prefixes())
        terms, prefixes = sorted(self.words), sorted(self.prefixes)
        folding_to = _as_written()[1]
        classes = {}
        for low in set("".join(terms + prefixes)):
            chars = folding_to.get(low)
            if chars:
                classes[low] = "[" + "".join(map(re.escape, chars)) + "]" if len(chars) > 1 else re.escape(chars[0])

        def written(term: str) -> str:
            return "".join(classes.get(ch, "(?!)") for ch in term)  # (?!): no character folds to it

        firsts = {t[0] for t in terms + prefixes}
        # on folded text: the terms as they are; on text as written: each folded letter as every character
        # that folds to it (``d`` for ``dDđĐ``...), the same alternatives in the same order
        self.folded = re.compile(_starting(firsts) + _EDGE_BEFORE + _alternatives(terms, re.escape, prefixes))
        self.as_written = re.compile(_starting({c for f in firsts for c in folding_to.get(f, ())}) + _EDGE_BEFORE
                                     + _alternatives(terms, written, prefixes))

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """[start, end) of every word of ``text`` that is one of the query's words or prefixes, in order
        (lazily: a snippet stops at the end of its window)."""
        if not self.words and not self.prefixes:
            return iter(())
        if _as_written()[0].search(text) is None:  # every character folds to one of its kind: no copy needed
            return (m.span() for m in self.as_written.finditer(text))
        folded = fold(text).lower()
        if len(folded) == len(text):
            return (m.span() for m in self.folded.finditer(folded))
        return iter([(s, e) for s, e, tok in spans(text)
                     if tok in self.words or any(tok.startswith(p) for p in self.prefixes)])


@lru_cache(maxsize=PATTERN_CACHE)
def matcher(query: Query) -> Matcher:
    return Matcher(query)


def _matcher_of(query: Query | Matcher) -> Matcher:
    return query if isinstance(query, Matcher) else matcher(query)


def match_spans(text: str, query: Query | Matcher) -> list[tuple[int, int]]:
    """[start, end) of every word of ``text`` that is one of the query's (positive) words or prefixes.

    Folding and lowercasing keep the length of NFC text (each letter stays one character), so the folded
    text is searched with one regular expression and its spans are the original's; text where they do not
    (combining marks, the few letters whose lowercase is longer) is matched word by word instead."""
    return list(_matcher_of(query).finditer(text))


def snippet(text: str | None, query: Query | Matcher,
            size: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]] | None:
    """A window of ``text`` around its first match and the match spans inside it; None without a match."""
    if not text:
        return None
    matches = _matcher_of(query).finditer(text)
    first = next(matches, None)
    if first is None:
        return None
    start = max(0, first[0] - SNIPPET_LEAD)
    if start > 0:  # begin at a word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first[0] else first[0]
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", max(first[1], start), end)
        end = space if space > first[1] else end
    found = [first]
    for span in matches:  # in order: none after the window can be inside it
        if span[0] >= end:
            break
        found.append(span)
    prefix = ELLIPSIS if start > 0 else ""
    body = prefix + text[start:end] + (ELLIPSIS if end < len(text) else "")
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in found if s >= start and e <= end]
    return body, inside
