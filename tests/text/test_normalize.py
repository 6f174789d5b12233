"""normalize_vi: underthesea's tone-mark rules without its re-spacing; language check by diacritics."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

from underthesea import text_normalize
from underthesea.pipeline.text_normalize.text_normalizer import token_map
from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

from bantin.app.stats import CounterStats
from bantin.text.normalize import detect_language, normalize_vi, vi_diacritic_ratio


def _vntc(shared_data: Path, split: str = "train") -> list[str]:
    with (shared_data / "vntc_small" / f"{split}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


def _old_style(text: str, seed: int = 0) -> str:
    """Inject the non-canonical spellings underthesea knows (hoà, thuỷ, qúa, …) into real text."""
    inverse: dict[str, list[str]] = {}
    for bad, good in token_map.items():
        inverse.setdefault(good, []).append(bad)
    rng = random.Random(seed)
    return re.sub(r"[^\W\d_]+", lambda m: rng.choice(inverse.get(m.group(), [m.group()])), text)


def _tokens(text: str) -> str:
    return " ".join(tokenize(text, use_token_normalize=False, use_character_normalize=False))


def test_old_style_tone_placement_becomes_underthesea_canonical():
    assert normalize_vi("Hoà bình, thuỷ lợi và qúa trình uỷ ban") == "Hòa bình, thủy lợi và quá trình ủy ban"


def test_punctuation_spacing_is_kept_unlike_text_normalize():
    text = "Hà Nội, ngày 2/11: Bộ trưởng (Tài chính) nói."
    assert normalize_vi(text) == text
    assert text_normalize(text) != text  # underthesea would write "Hà Nội , ngày 2/11 : …"


def test_paragraph_breaks_survive_and_whitespace_is_cleaned():
    raw = "  Đoạn\u00a0một   có  khoảng\ttrắng. \r\n\r\n\n Đoạn hai\u200b.\u2028Đoạn ba "
    assert normalize_vi(raw) == "Đoạn một có khoảng trắng.\nĐoạn hai.\nĐoạn ba"


def test_decomposed_input_is_composed():
    nfd = unicodedata.normalize("NFD", "Tiếng Việt")
    assert normalize_vi(nfd) == "Tiếng Việt"


def test_eth_is_mapped_to_d_with_stroke_as_underthesea_does():
    assert normalize_vi("ðường Ðiện Biên") == "đường Điện Biên"


def test_long_tokens_are_left_alone_like_underthesea():
    assert normalize_vi("Nôị-Haỉ") == text_normalize("Nôị-Haỉ") == "Nôị-Haỉ"


def test_same_tokens_as_text_normalize_on_vntc_sample(shared_data):
    docs = _vntc(shared_data, "dev")[:60]
    for text in docs + [_old_style(d) for d in docs]:
        assert _tokens(normalize_vi(text)) == text_normalize(text)


# Every 5th document: 300 real articles keep the check strong; bench/normalize.py runs all 1,500.
EQUIVALENCE_SAMPLE_STEP = 5


def test_same_tokens_as_text_normalize_on_vntc_small(shared_data):
    docs = (_vntc(shared_data, "train") + _vntc(shared_data, "dev"))[::EQUIVALENCE_SAMPLE_STEP]
    perturbed = [_old_style(d, seed=i) for i, d in enumerate(docs)]
    changed = 0
    for text in docs + perturbed:
        expected = text_normalize(text)
        changed += expected != _tokens(text)
        assert _tokens(normalize_vi(text)) == expected
    assert changed > len(docs)  # the rules really fired (on the originals and on every perturbed copy)


def test_diacritic_ratio_separates_vietnamese_from_english(shared_data):
    vi = _vntc(shared_data, "dev")[0]
    assert vi_diacritic_ratio(vi) > 0.2
    assert vi_diacritic_ratio("The coast guard said the vessel left on Monday.") == 0.0


def test_vietnamese_text_beats_a_lying_lang_attribute(shared_data):
    stats = CounterStats()
    assert detect_language(_vntc(shared_data, "dev")[0], "en-US", stats) == "vi"
    assert stats.get_value("extract/lang_override") == 1


def test_english_text_declared_vietnamese_is_not_vietnamese():
    text = "The provincial government said on Monday that the new bridge is expected to open to traffic " * 3
    assert detect_language(text, "vi") == "en"


def test_short_text_trusts_declaration():
    assert detect_language("Tin mới", "vi-VN") == "vi"
    assert detect_language("OK", None) is None
