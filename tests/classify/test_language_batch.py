"""`bantin classify` detects the language of a whole batch at once: the very answers of the one-text detector."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from bantin.classify.service import Classifier
from bantin.text.language import detect_language
from bantin.text.language_batch import detect_languages

EDGE_CASES = [
    "", "12345 !!!", "ab", "abcdefgh", "Bão số 3 đổ bộ Quảng Ninh", "Ông ấy", "ĐĐĐĐĐĐĐĐĐĐ", "\x00\x00ĐĐĐĐĐĐĐĐĐĐ",
    "The provincial government approved a new seaport project on Monday.",
    "Die Regierung hat am Montag ein neues Hafenprojekt genehmigt.",
    "ΣΑΣ ΟΔΟΣ Việt Nam đẹp lắm 😀 ừ",  # final sigma; an astral character takes the one-text path
    "İstanbul ĐÀ NẴNG hôm nay", "İ" * 1200, "Ư" * 999 + "😀", "\ud800abc đường",  # a lone surrogate, as JSON allows
]


def test_a_batch_gets_the_answers_of_the_one_text_detector(shared_data: Path) -> None:
    with open(shared_data / "vntc_small" / "dev.jsonl", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    with gzip.open(shared_data / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as f:
        rss = [json.loads(next(f)) for _ in range(2000)]
    texts += [f"{r.get('title') or ''}\n{r.get('summary') or ''}" for r in rss] + [r.get("title") or "" for r in rss]
    texts += EDGE_CASES
    assert detect_languages(texts) == [detect_language(t) for t in texts]
    assert detect_languages(EDGE_CASES) == [detect_language(t) for t in EDGE_CASES]
    assert detect_languages([]) == []


class _NoPlaces:
    def match(self, **_: object) -> object:
        class _R:
            def to_dict(self) -> dict[str, object]:
                return {}
        return _R()


def test_classification_batches_only_rows_without_a_stored_language() -> None:
    seen: list[str] = []

    def detector(text: str) -> str:
        seen.append(text)
        return "en"

    clf = Classifier("Nghệ An", _NoPlaces(), None, None, "none", None, detector)
    rows = [{"text": "một"}, {"text": "hai", "language": "vi"}, {"text": "ba", "language": "xx"}]
    assert [r["language"] for r in clf.classify(rows)] == ["en", "vi", "en"]
    assert seen == ["một", "ba"]


def test_the_count_table_is_each_characters_own_counts() -> None:
    from bantin.text.diacritics import VI_LETTERS, VI_STRONG_LETTERS
    from bantin.text.language_batch import BMP, FIELD_BITS, _table

    table = _table().tolist()
    for cp in range(BMP):
        ch = chr(cp)
        low = ch.lower()
        want = (ch.isalpha(), sum(map(str.isalpha, low)), sum(map(VI_LETTERS.__contains__, low)),
                sum(map(VI_STRONG_LETTERS.__contains__, low)))
        assert [(table[cp] >> (i * FIELD_BITS)) & (2**FIELD_BITS - 1) for i in range(4)] == list(want), hex(cp)
