"""Highlights found on the text as written (each folded letter of the query standing for every character
that folds to it) are exactly those of the folded copy: on tricky characters, on random text mixing them,
and on real items. Text that folding would change (combining marks, final sigma, astral characters) still
takes the folded copy."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from bantin.search import highlight
from bantin.search.highlight import _as_written, match_spans, matcher
from bantin.search.query import Query, parse
from bantin.search.tokens import spans
from bantin.text.diacritics import fold

QUERIES = ("nghe an", "do luong", "dau tu", "vinh", "lu quet", "giao*", "hoc sinh OR benh vien", "an", "2026",
           '"cua lo"', "tp", "viet*", "k", "ss", "d*", "i", "σ", "straße", "a1", "ǆ")
# Letters that fold or lowercase unusually (đ, Kelvin sign, dotted I, ß, titlecase digraphs, sigmas),
# combining marks, digits, underscores, punctuation, an emoji.
ALPHABET = list("aAàÀạẠăĂắẮâÂđĐdDeEêÊệỆoOôÔơƠuUưƯiIİıkKKsSßẞǅǄǆσςΣ0123456789_ -,.\u0301\u0323'\"…") + ["😀"]


def folded_copy(text: str, query: Query) -> list[tuple[int, int]]:
    """The spans as the folded copy gives them (the way before the text was searched as written)."""
    words, prefixes = frozenset(query.words()), frozenset(query.prefixes())
    if not words and not prefixes:
        return []
    folded = fold(text).lower()
    if len(folded) == len(text):
        return [m.span() for m in matcher(query).folded.finditer(folded)]
    return [(s, e) for s, e, tok in spans(text) if tok in words or any(tok.startswith(p) for p in prefixes)]


def test_random_text_of_tricky_characters_is_marked_as_the_folded_copy_marks_it() -> None:
    rng = random.Random(9)
    queries = [parse(q) for q in QUERIES]
    for _ in range(4000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        words = [w for w in fold(text).lower().replace("_", " ").split() if w.isalnum()]
        picked = [parse(" ".join(rng.sample(words, min(2, len(words)))))] if words else []
        for query in queries + picked:
            assert match_spans(text, query) == folded_copy(text, query), (text, query)


def test_only_text_that_folding_would_change_takes_the_folded_copy() -> None:
    needs_folding = _as_written()[0]
    for plain in ("Đô Lương, Nghệ An", "KELVIN K and İstanbul", "Straße ǅ 2026", "a_b"):
        assert needs_folding.search(plain) is None, plain
    for odd in ("Nghe\u0323 An", "ΟΔΟΣ", "tin 😀"):
        assert needs_folding.search(odd) is not None, odd


def test_the_query_marks_what_is_written_with_its_diacritics() -> None:
    text = "Lũ quét ở Kỳ Sơn, Đô Lương"
    assert [text[s:e] for s, e in match_spans(text, parse("ky son do luong"))] == ["Kỳ", "Sơn", "Đô", "Lương"]
    assert highlight.snippet("Du lịch Cửa Lò", parse("cua lo")) == ("Du lịch Cửa Lò", [(8, 11), (12, 14)])


@pytest.mark.shared
def test_real_items_are_marked_as_the_folded_copy_marks_them(shared_data: Path) -> None:
    queries = [parse(q) for q in QUERIES]
    with gzip.open(shared_data / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            row = json.loads(line)
            for text in (row.get("title") or "", row.get("summary") or ""):
                for query in queries:
                    assert match_spans(text, query) == folded_copy(text, query), (text, query)
            if n >= 3000:
                break
