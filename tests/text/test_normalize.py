"""normalize_vi: underthesea's tone-mark rules without its re-spacing."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

from underthesea import text_normalize
from underthesea.pipeline.text_normalize.text_normalizer import token_map
from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

from bantin.text.normalize import normalize_vi


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
