"""Language identification for the office: "vi", "en" or "other", offline.

Vietnamese with diacritics is recognised by its letters alone (a fast path that also handles very short
titles); everything else goes to py3langid (BSD, ships its model in the wheel, numpy only), whose 97
languages are folded to en/other. Choice measured with bench/language.py against langdetect and the
crawler's heuristic (docs/taxonomy.md, "Language").

Vietnamese written without diacritics (URL slugs, some comments) is returned as "vi" only when
py3langid says so; it usually does not, so callers should not rely on it for slugs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import py3langid

# Only the start of a text is looked at: constant cost on long articles; with 1,000 chars every full
# VNTC and us/uk/au fundus article in bench/language.py is still identified correctly.
MAX_CHARS = 1000
# Share of letters with Vietnamese diacritics above which a text is Vietnamese: VNTC articles measure
# 0.11-0.45 and the aeb en/pt/it/id pages at most 0.04 (bantin/text/normalize.py's measurement).
VI_MIN_DIACRITIC_RATIO = 0.1
# Fewer letters than this are too little evidence for the diacritic rule (single words, acronyms).
VI_MIN_LETTERS = 8

_VI_SPECIFIC = frozenset("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
# Letters that Vietnamese has but few other Latin-script languages use (ư ơ ă đ and the hook/dot tones).
_VI_STRONG = frozenset("ăđơưảẳẵặẩẫậẻẽẹểễệỉĩịỏọổỗộởỡợủũụửữựỷỹỵằắầấềếồốờớừứỳ")


@lru_cache(maxsize=1)
def _identifier() -> py3langid.langid.LanguageIdentifier:
    path = Path(py3langid.langid.MODEL_DIR) / py3langid.langid.MODEL_FILE
    return py3langid.langid.LanguageIdentifier.from_modelpath(path, norm_probs=True)


def _vi_score(sample: str) -> tuple[int, float, bool]:
    letters = [c for c in sample.lower() if c.isalpha()]
    if not letters:
        return 0, 0.0, False
    vi = sum(c in _VI_SPECIFIC for c in letters)
    return len(letters), vi / len(letters), any(c in _VI_STRONG for c in letters)


def detect_language_with_confidence(text: str) -> tuple[str, float]:
    """("vi" | "en" | "other", confidence in [0, 1]) for ``text``; ("other", 0.0) for no letters."""
    sample = text[:MAX_CHARS]
    n_letters, ratio, strong = _vi_score(sample)
    if n_letters == 0:
        return "other", 0.0
    if n_letters >= VI_MIN_LETTERS and ratio >= VI_MIN_DIACRITIC_RATIO and strong:
        return "vi", min(1.0, 0.5 + ratio * 2)
    lang, prob = _identifier().classify(sample)
    return (lang if lang in ("vi", "en") else "other"), float(prob)


def detect_language(text: str) -> str:
    """"vi", "en" or "other" for ``text`` (see detect_language_with_confidence)."""
    return detect_language_with_confidence(text)[0]
