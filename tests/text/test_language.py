"""Language identification: vi / en / other."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from bantin.text.language import detect_language, detect_language_with_confidence


def test_short_vietnamese_titles_are_vi() -> None:
    assert detect_language("Bão số 3 đổ bộ Quảng Ninh") == "vi"
    assert detect_language("Ông ấy") == "vi"


def test_english_and_other_languages() -> None:
    assert detect_language("The provincial government approved a new seaport project on Monday.") == "en"
    assert detect_language("Die Regierung hat am Montag ein neues Hafenprojekt genehmigt.") == "other"
    assert detect_language("O governo aprovou na segunda-feira um novo projeto portuário.") == "other"


def test_no_letters_is_other_with_zero_confidence() -> None:
    assert detect_language_with_confidence("12345 !!!") == ("other", 0.0)
    assert detect_language_with_confidence("") == ("other", 0.0)


def test_real_vietnamese_articles_and_rss_titles_are_vi(shared_data: Path) -> None:
    with open(shared_data / "vntc_small" / "dev.jsonl", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f][:100]
    with gzip.open(shared_data / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as f:
        texts += [json.loads(next(f))["title"] for _ in range(100)]
    assert sum(detect_language(t) == "vi" for t in texts) == len(texts)


def test_long_articles_are_cut_to_a_bounded_sample() -> None:
    lang, conf = detect_language_with_confidence("The harbour reopened after the storm. " * 5000)
    assert lang == "en" and 0.5 < conf <= 1.0
