"""fold and the search tokens' word pattern are written for speed; each gives what its plain form gives."""

from __future__ import annotations

import random
import re

from bantin.search.tokens import _MARKS, WORD_RE, tokens
from bantin.text import diacritics
from bantin.text.diacritics import fold

# The plain forms the fast ones replaced: one dict lookup per character, one alternation per character.
PLAIN_WORD_RE = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")


def _plain_fold(text: str) -> str:
    return text.translate(diacritics._FOLD)


def _random_texts(seed: int, n: int) -> list[str]:
    rnd = random.Random(seed)
    marks = [chr(c) for c in (*range(0x300, 0x370), *range(0x1DC0, 0x1E00), *range(0x20D0, 0x2100),
                              *range(0xFE20, 0xFE30))]
    pool = [*marks, *"aăâđêôơưAĐ1_ -.,\u00a0ßøΩ😀", *map(chr, diacritics._SPARSE)]
    out = []
    for _ in range(n):
        chars = []
        for _ in range(rnd.randrange(0, 24)):
            r = rnd.random()
            chars.append(rnd.choice(pool) if r < 0.7 else chr(rnd.randrange(0x10000 if r < 0.95 else 0x110000)))
        out.append("".join(chars))
    return out


def test_fold_gives_what_the_dict_table_gives_on_any_text():
    for text in _random_texts(0, 20_000):
        assert fold(text) == _plain_fold(text), repr(text)


def test_fold_strips_vietnamese_and_marks_beyond_the_dense_table():
    assert fold("Đô Lương, Nghệ An") == "Do Luong, Nghe An"
    assert fold("Nghe\u0302\u0323 An") == "Nghe An"  # decomposed marks dropped
    assert fold("x\u2de0y\u302az") == "xyz"  # marks past the dense table (Cyrillic, CJK) too
    assert fold("ßøΩ 😀") == "ßøΩ 😀"  # letters without an ASCII base and astral characters kept


def test_word_pattern_finds_the_same_words_at_the_same_places():
    for text in _random_texts(1, 20_000):
        assert [m.span() for m in WORD_RE.finditer(text)] == [m.span() for m in PLAIN_WORD_RE.finditer(text)], repr(text)


def _plain_tokens(text: str) -> list[str]:
    return [tok for tok in (fold(w).lower() for w in PLAIN_WORD_RE.findall(text)) if tok and len(tok) <= 200]


def test_tokens_are_the_folded_lowercased_words_on_any_text():
    for text in _random_texts(2, 20_000):
        assert list(tokens(text)) == _plain_tokens(text), repr(text)
    long_word = "x" * 300
    assert list(tokens(f"Nghệ An {long_word} Vinh")) == ["nghe", "an", "vinh"]  # URL-like blobs are left out


def test_tokens_of_vietnamese_text():
    assert list(tokens("Đô Lương, Nghệ An: 3_000 người")) == ["do", "luong", "nghe", "an", "3", "000", "nguoi"]
