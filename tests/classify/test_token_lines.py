"""The place matcher reads a batch's tokens made at once (numpy) and keeps an article body's tokens as one string
unless a name is found in it: the very tokens, hits and results of the one-text path."""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from bantin.classify.relevance.province import ProvinceMatcher
from bantin.text.token_lines import token_lines
from bantin.text.vitext import _tokens, is_unaccented, is_unaccented_line, prepare, prepare_lines

EDGE_CASES = [
    "", " ", "a", " a ", "...", "a_b c-d", "x\u00a0y\u3000z", "\x1c\x1dz", "TP.Vinh", "TP . Vinh", "TP. . X.",
    "tại TP. HCM và P.Hưng Dũng", "Tx.Cửa Lò tX.Cửa", "H.Nam Đàn,TT.x", "ΣΑΣ hoà", "İstanbul hoà",
    "quà qúa thuỷ Thuỷ HOÀ", "Ho\u0300a thuy\u0309", "😀 TP.Vinh", "\ud800 x",
]


@pytest.fixture(scope="module")
def texts(shared_data: Path) -> list[str]:
    with open(shared_data / "vntc_small" / "dev.jsonl", encoding="utf-8") as f:
        out = [json.loads(line)["text"] for line in f]
    with gzip.open(shared_data / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as f:
        rss = [json.loads(next(f)) for _ in range(2000)]
    return out + [r.get("title") or "" for r in rss] + [r.get("summary") or "" for r in rss] + EDGE_CASES


def test_a_batch_gets_each_texts_tokens_joined(texts: list[str]) -> None:
    every_bmp_char = "".join(chr(c) for c in range(1, 0x10000) if not 0xD800 <= c < 0xE000)
    batch = [*texts, every_bmp_char[:30000], every_bmp_char[30000:]]
    for text, lines in zip(batch, token_lines(batch), strict=True):
        if lines is not None:  # None: an astral character (the caller tokenises that text itself)
            assert lines == "\n".join(_tokens(unicodedata.normalize("NFC", text)))
    assert token_lines(["😀 a", "b"]) == [None, "b"] and token_lines([]) == [] and token_lines(["", "a b"]) == ["", "a\nb"]


def test_joined_preparation_is_prepare_joined(texts: list[str]) -> None:
    for text, lines in zip(texts, token_lines(texts), strict=True):
        toks, lows = prepare(text)
        for joined in (prepare_lines(text), prepare_lines(text, lines) if lines is not None else None):
            if joined is not None:  # None: prepare's slow path (Σ, a lowercase of another length)
                assert joined == ("\n".join(toks), "\n".join(lows))
                assert is_unaccented_line(joined[0]) == is_unaccented(toks)
    assert prepare_lines("ΣΑΣ") is None


def test_batched_matching_gives_the_one_row_results(texts: list[str]) -> None:
    matcher = ProvinceMatcher("Nghệ An")
    rows = [(None, t, None) for t in texts] + [(t[:80], t, None) for t in texts[:300]]
    rows += [(t[:60], t, t[:200]) for t in texts[:300]] + [("Nghệ An", "", "TP. Vinh hôm nay")]
    assert matcher.match_many(rows) == [matcher.match(title=a, text=b, summary=c) for a, b, c in rows]
    scanner = matcher._scanner
    for text in texts:  # a field kept joined is scanned as its lists are
        toks, lows = prepare(text)
        assert scanner.scan_lines("\n".join(toks), "\n".join(lows)) == scanner.scan(toks, lows)


def test_the_class_table_is_res_own_classes() -> None:
    import re

    from bantin.text.token_lines import BMP, OTHER, SPACE, WORD, _classes

    space, word = re.compile(r"\s"), re.compile(r"\w")
    classes = _classes().tolist()
    for cp in range(BMP):
        ch = chr(cp)
        assert classes[cp] == (SPACE if space.match(ch) else WORD if word.match(ch) else OTHER), hex(cp)
