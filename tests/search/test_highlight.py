"""Highlights found by one regular expression over the folded text mark exactly the words that folding
each word would (the word-by-word way, kept for text whose folding changes its length)."""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from bantin.search.highlight import match_spans
from bantin.search.query import parse
from bantin.search.tokens import spans

QUERIES = ("nghe an", "do luong", "dau tu", "vinh", "lu quet", "giao*", "hoc sinh OR benh vien", "an", "2026",
           '"cua lo"', "tp", "viet*")


def word_by_word(text: str, q: str) -> list[tuple[int, int]]:
    query = parse(q)
    words, prefixes = query.words(), query.prefixes()
    return [(s, e) for s, e, tok in spans(text) if tok in words or any(tok.startswith(p) for p in prefixes)]


@pytest.mark.shared
def test_the_fast_highlight_marks_the_same_words_on_real_items(shared_data: Path) -> None:
    texts = []
    with gzip.open(shared_data / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            row = json.loads(line)
            texts += [row.get("title") or "", row.get("summary") or ""]
            if n >= 1500:
                break
    marked = 0
    for text in texts:
        for q in QUERIES:
            got = match_spans(text, parse(q))
            assert got == word_by_word(text, q), (text, q)
            marked += len(got)
    assert marked > 1000  # the queries do mark words in these items


def test_text_whose_folding_changes_length_is_matched_word_by_word() -> None:
    nfd = unicodedata.normalize("NFD", "Tỉnh Nghệ An và Đô Lương")
    assert [nfd[s:e] for s, e in match_spans(nfd, parse("nghe an do luong"))] == [
        unicodedata.normalize("NFD", w) for w in ("Nghệ", "An", "Đô", "Lương")]
    odd = "İstanbul và Nghệ An"  # 'İ'.lower() is two characters
    assert [odd[s:e] for s, e in match_spans(odd, parse("nghe an"))] == ["Nghệ", "An"]


def test_words_inside_longer_words_and_prefixes() -> None:
    text = "Ancient An Giang, Nghệ An, giao thông, giáo dục và ngân hàng"
    assert [text[s:e] for s, e in match_spans(text, parse("an"))] == ["An", "An"]
    assert [text[s:e] for s, e in match_spans(text, parse("gia*"))] == ["Giang", "giao", "giáo"]
