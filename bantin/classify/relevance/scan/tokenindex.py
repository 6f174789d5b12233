"""Keys of a few tokens found in a token list in one pass (:class:`TokenIndex`): an Aho-Corasick automaton over
the field's tokens joined by ``SEP`` (:func:`joined`), C code over the whole field instead of Python per token.
The place scan's gazetteer indexes and the matcher's crowd test are built on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

import ahocorasick

# Token separator of the joined fields and keys the automata work on: never inside a token (tokens hold no whitespace).
SEP = "\n"

V = TypeVar("V")


class TokenIndex(Generic[V]):
    """Keys of at most ``max_len`` tokens, found in a token list in one pass: an Aho-Corasick automaton over the
    ``SEP``-joined tokens, so a key only matches whole tokens. Finds exactly what probing ``keys.get(tuple(toks[i :
    i + n]))`` at every position ``i`` for every ``n <= max_len`` finds, without a Python loop over the tokens."""

    def __init__(self, keys: Mapping[tuple[str, ...], V], max_len: int) -> None:
        self._auto = ahocorasick.Automaton()
        for k, value in keys.items():
            if 0 < len(k) <= max_len:
                pattern = joined(k)
                self._auto.add_word(pattern, (len(pattern) - 1, len(k), value))
        self._empty = len(self._auto) == 0
        if not self._empty:
            self._auto.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, V]]:
        """(token position, key length in tokens, value) of every key in ``text`` (the field as :func:`joined`
        gives it), ordered by position, then length."""
        if self._empty:
            return []
        found = sorted(((end - span, length, value) for end, (span, length, value) in self._auto.iter(text)),
                       key=lambda m: (m[0], m[1]))
        out = []
        tok, last = 0, 0
        for start, length, value in found:  # separators before a key's leading one = its token position
            tok += text.count(SEP, last, start)
            last = start
            out.append((tok, length, value))
        return out

    def longest(self, text: str) -> list[tuple[int, int, V]]:
        """Like :meth:`find`, only the longest key at each position."""
        best: dict[int, tuple[int, int, V]] = {}
        for m in self.find(text):
            best[m[0]] = m  # find() orders each position's keys by length: the last one is the longest
        return list(best.values())


def joined(tokens: Iterable[str]) -> str:
    """The form :meth:`TokenIndex.find` searches: every token between two separators."""
    return SEP + SEP.join(tokens) + SEP
