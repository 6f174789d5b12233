"""Language identification, the one detector of bantin: "vi", "en" or "other", offline.

Used by extraction (``articles.language``), ``sources add`` and classification (which reuses the stored
answer), so the three always agree.

Vietnamese with diacritics is recognised by its letters alone (``bantin.text.diacritics``: a fast path
that also handles very short titles); everything else goes to py3langid (BSD, ships its model in the
wheel, numpy only), whose 97 languages are folded to en/other. A declared language (``<html lang>``,
a feed's ``<language>``) is only used when the text has too few letters to judge: templates lie
(``lang="en"`` on Vietnamese pages). Choice measured with bench/language.py against langdetect and the
crawler's former heuristic (docs/benchmarks.md, docs/taxonomy.md "Language").

Vietnamese written without diacritics (URL slugs, some comments) is returned as "vi" only when
py3langid says so; it usually does not, so callers should not rely on it for slugs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import py3langid

from bantin.app.stats import StatsLike, inc
from bantin.text.diacritics import VI_MIN_DIACRITIC_RATIO, has_strong_vietnamese_letter, vi_diacritic_ratio

# The answers: Vietnamese, English, anything else.
LANGUAGES = ("vi", "en", "other")
# Only the start of a text is looked at: constant cost on long articles; with 1,000 chars every full
# VNTC and us/uk/au fundus article in bench/language.py is still identified correctly.
MAX_CHARS = 1000
# Fewer letters than this are too little evidence (single words, acronyms): a declaration wins, if any.
VI_MIN_LETTERS = 8


@lru_cache(maxsize=1)
def _identifier() -> py3langid.langid.LanguageIdentifier:
    path = Path(py3langid.langid.MODEL_DIR) / py3langid.langid.MODEL_FILE
    return py3langid.langid.LanguageIdentifier.from_modelpath(path, norm_probs=True)


def fold_code(code: str | None) -> str | None:
    """An ISO 639 / BCP 47 tag as one of LANGUAGES ("vi-VN" → "vi", "fr" → "other"); None if not a tag."""
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    if not (code.isalpha() and 2 <= len(code) <= 3):
        return None
    return code if code in ("vi", "en") else "other"


def detect_language_with_confidence(
    text: str, declared: str | None = None, stats: StatsLike | None = None
) -> tuple[str, float]:
    """(one of LANGUAGES, confidence in [0, 1]) for ``text``; ``declared`` decides only texts of fewer
    than VI_MIN_LETTERS letters (confidence 0.5); ("other", 0.0) for no letters and no declaration.

    Counters (``extract/``): lang_vi_text, lang_identified, lang_declared, lang_unknown, and lang_override
    when the text contradicts a declaration."""
    sample = text[:MAX_CHARS]
    return decide(sample, sum(map(str.isalpha, sample)), declared, stats,
                  lambda: vi_diacritic_ratio(sample), lambda: has_strong_vietnamese_letter(sample))


def decide(
    sample: str, n_letters: int, declared: str | None, stats: StatsLike | None,
    ratio_of: Callable[[], float], strong_of: Callable[[], bool],
) -> tuple[str, float]:
    """The decision of :func:`detect_language_with_confidence` on a sample's letter count and its (lazily
    computed) diacritic ratio and strong-letter test: :mod:`.language_batch` gives them counted over a batch."""
    said = fold_code(declared)
    if n_letters < VI_MIN_LETTERS and said:
        inc(stats, "extract/lang_declared")
        return said, 0.5
    if n_letters == 0:
        inc(stats, "extract/lang_unknown")
        return "other", 0.0
    ratio = ratio_of() if n_letters >= VI_MIN_LETTERS else 0.0  # once: it is the costly pass
    if ratio >= VI_MIN_DIACRITIC_RATIO and strong_of():  # = looks_vietnamese(sample)
        lang, conf = "vi", min(1.0, 0.5 + ratio * 2)
        inc(stats, "extract/lang_vi_text")
    else:
        code, prob = _identifier().classify(sample)
        lang, conf = (code if code in ("vi", "en") else "other"), float(prob)
        inc(stats, "extract/lang_identified")
    if said and said != lang:
        inc(stats, "extract/lang_override")
    return lang, conf


def detect_language(text: str, declared: str | None = None, stats: StatsLike | None = None) -> str:
    """"vi", "en" or "other" for ``text`` (see detect_language_with_confidence)."""
    return detect_language_with_confidence(text, declared, stats)[0]
