"""The pieces #12's speed work replaced give exactly what the straightforward code gives: the province matcher's
automaton finds what probing every token finds, the digit-folded syllables derived from the plain ones are the
ones hashed with digits folded, and a vectoriser reusing another one's batch gets the features it gets alone."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bantin.classify.relevance.province import ProvinceMatcher
from bantin.classify.relevance.scan.tokenindex import TokenIndex, joined
from bantin.classify.topics.features import SyllableTfidfVectorizer
from bantin.text import syllables as syl
from bantin.text.vitext import prepare

ODD_TEXTS = ["", "Vinh", "😀 TP Vinh 😀, Nghệ An", "Diễn Châu\n\nNghệ An", "nghệ an NGHỆ AN Nghệ  An", "²", "Σ Vinh",
             "Năm 2025, 1999 người ở 12 xã của Nghệ An", "ð 3G 4x4 ₂ ١٢٣ Vinh_Nghệ"]


def _articles(shared_data: Path, n: int = 300) -> list[str]:
    with (shared_data / "vntc_small" / "dev.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh][:n]


def _probe(lows: list[str], keys: dict, max_len: int) -> list[tuple[int, int, object]]:  # type: ignore[type-arg]
    """The loop the automaton replaced: at every token, the longest key starting there."""
    found = []
    for i in range(len(lows)):
        for length in range(min(max_len, len(lows) - i), 0, -1):
            place = keys.get(tuple(lows[i : i + length]))
            if place is not None:
                found.append((i, length, place))
                break
    return found


def test_the_automaton_finds_the_longest_name_at_every_token_as_probing_does(shared_data: Path) -> None:
    gaz = ProvinceMatcher("Nghệ An").gazetteer
    index = TokenIndex(gaz.places, gaz.max_len)
    fields = [prepare(t)[1] for t in (*_articles(shared_data), *ODD_TEXTS)]
    found = [index.longest(joined(lows)) for lows in fields]
    assert found == [_probe(lows, gaz.places, gaz.max_len) for lows in fields]
    assert sum(map(len, found)) >= 50  # the articles do name places of the province


def test_the_automaton_reports_every_length_and_ignores_keys_longer_than_its_bound() -> None:
    index = TokenIndex({("nghệ",): "n", ("nghệ", "an"): "na", ("nghệ", "an", "cũ", "xưa"): "long"}, 3)
    assert index.find(joined(["ở", "nghệ", "an", "cũ", "xưa", "nghệ"])) == [(1, 1, "n"), (1, 2, "na"), (5, 1, "n")]
    assert index.find(joined(["nghệan"])) == [] and TokenIndex({}, 3).find(joined(["a"])) == []


def test_a_count_of_provinces_in_superscript_digits_is_read_not_a_crash() -> None:
    result = ProvinceMatcher("Nghệ An").match(title="Mưa lớn ở ² tỉnh, Nghệ An sơ tán dân")
    assert result.relevance == "primary"
    assert [p.name for p in result.places] == ["Nghệ An"]


def _folded_reference(texts: list[str]) -> np.ndarray:
    """Digit-folded syllable hashes computed directly, with the folded code-point table, as before #12."""
    cp, _ = syl.joined(texts)
    cp = syl._WORD_LOWER_FOLDED[np.where(cp < syl.BMP, cp, 0)]
    word = cp != 0
    edge = np.diff(word.view(np.int8), prepend=0, append=0)
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    return syl._hashed(cp, starts, ends, np.flatnonzero(word))


def test_digit_folded_syllables_are_those_hashed_with_digits_folded(shared_data: Path) -> None:
    texts = [*_articles(shared_data), *ODD_TEXTS]
    got, doc = syl.syllables(texts, fold_digits=True)
    assert np.array_equal(got, _folded_reference(texts))
    assert np.array_equal(doc, syl.syllables(texts)[1])
    assert not np.array_equal(got, syl.syllables(texts)[0])  # the articles have digits: some hashes did change


def test_a_vectoriser_reusing_the_batch_of_another_gets_the_features_it_gets_alone(shared_data: Path) -> None:
    texts = _articles(shared_data, 120)
    plain = SyllableTfidfVectorizer(n_features=2**12).fit(texts)
    folded = SyllableTfidfVectorizer(n_features=2**12, fold_digits=True, title_chars=80, title_features=2**8,
                                     punct_features=2**6).fit(texts)
    alone = [folded.transform([(t + " ")[:-1] for t in texts]), plain.transform([(t + " ")[:-1] for t in texts])]
    plain.transform(texts)
    after_plain = folded.transform(texts)  # the same string objects: the batch of plain's call is reused
    after_folded = plain.transform(texts)
    for a, b in zip(alone, [after_plain, after_folded], strict=True):
        assert (a != b).nnz == 0 and a.shape == b.shape
