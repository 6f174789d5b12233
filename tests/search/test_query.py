"""The search box's language: folding, phrases, OR, exclusions, bounds; no input is a syntax error."""

from __future__ import annotations

import pytest

from bantin.search.highlight import match_spans, snippet
from bantin.search.query import MAX_QUERY_CHARS, MAX_QUERY_TOKENS, QueryError, Unit, parse
from bantin.search.tokens import MAX_INDEXED_TOKENS, document


def test_words_are_folded_with_d_bar_and_case_like_the_index() -> None:
    assert parse("Đô Lương").groups == ((Unit(("do",)),), (Unit(("luong",)),))
    assert parse("ĐẦU TƯ") == parse("dau tu")
    assert document("Đô Lương", None, "Đầu tư ở Nghệ An") == "do luong dau tu o nghe an"


def test_phrases_or_and_exclusions_render_for_fts5_and_tsquery() -> None:
    q = parse('"nghệ an" lũ OR lụt -"bóng đá" NOT thể')
    assert q.fts5() == '("nghe an" AND ("lu" OR "lut")) NOT ("bong da" OR "the")'
    assert q.tsquery() == "(('nghe' <-> 'an')) & ('lu' | 'lut') & !(('bong' <-> 'da') | 'the')"


def test_prefix_words() -> None:
    q = parse("đầu*")
    assert q.fts5() == '"dau"*' and q.tsquery() == "('dau':*)"


def test_a_word_with_punctuation_inside_is_a_phrase() -> None:
    assert parse("TP.HCM").groups == ((Unit(("tp", "hcm")),),)


@pytest.mark.parametrize("text", ['"', '""', "OR", "AND OR NOT", "-", "*", "()", "- -- OR |", "…", "\x00"])
def test_queries_without_words_match_nothing_and_do_not_fail(text: str) -> None:
    q = parse(text)
    assert q.empty and q.fts5() is None and q.tsquery() is None


def test_unterminated_quote_is_a_phrase_to_the_end() -> None:
    assert parse('"nghe an').groups == ((Unit(("nghe", "an")),),)


def test_only_exclusions_have_no_positive_part() -> None:
    q = parse("-bóng -đá")
    assert q.fts5() is None and q.fts5_excluded() == '"bong" OR "da"' and q.tsquery_excluded() == "'bong' | 'da'"


def test_bounds_are_refused_with_a_message() -> None:
    with pytest.raises(QueryError, match="more than"):
        parse(" ".join(["tin"] * (MAX_QUERY_TOKENS + 1)))
    with pytest.raises(QueryError, match="longer"):
        parse("a" * (MAX_QUERY_CHARS + 1))


def test_the_index_keeps_a_bounded_number_of_tokens() -> None:
    assert len(document(None, None, "chữ " * (MAX_INDEXED_TOKENS + 50)).split()) == MAX_INDEXED_TOKENS


def test_highlights_mark_the_original_words_with_diacritics() -> None:
    title = "Lô đất đấu giá ở Nghệ An có mức khởi điểm hơn 12,3 tỷ đồng"
    q = parse("nghe an dau")
    assert [title[s:e] for s, e in match_spans(title, q)] == ["đấu", "Nghệ", "An"]
    text = "Mở đầu. " + "Một câu dài không liên quan gì. " * 10 + "Xã Đô Lương thuộc tỉnh Nghệ An." + " Hết." * 80
    found = snippet(text, parse('"do luong"'))
    assert found is not None
    body, spans = found
    assert body.startswith("…") and body.endswith("…") and len(body) <= 242
    assert [body[s:e] for s, e in spans] == ["Đô", "Lương"]
    assert snippet(text, parse("hanoi")) is None
