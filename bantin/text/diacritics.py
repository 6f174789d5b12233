"""Vietnamese diacritics: folding them away ("Đô Lương" → "Do Luong") and measuring how much of a text
carries them (the "is this Vietnamese?" evidence used by language identification).
"""

from __future__ import annotations

import re
import unicodedata

# Letters with Vietnamese diacritics (ă â đ ê ô ơ ư and the toned vowels), lowercase.
VI_LETTERS = frozenset("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
# Of those, the ones few other Latin-script languages use (ư ơ ă đ and the hook/dot tones).
VI_STRONG_LETTERS = frozenset("ăđơưảẳẵặẩẫậẻẽẹểễệỉĩịỏọổỗộởỡợủũụửữựỷỹỵằắầấềếồốờớừứỳ")
# Share of letters with Vietnamese diacritics from which a text counts as Vietnamese by its letters alone.
# Measured on bench/language.py's sets (first 1,000 chars, >= 8 letters): VNTC articles >= 0.178, RSS
# summaries >= 0.135, RSS titles >= 0.082 (1st percentile 0.12); non-Vietnamese at most 0.079 (fundus
# pages of 20 countries; English <= 0.009). 0.1 keeps a margin above the non-Vietnamese maximum; the
# one title below it still goes to py3langid, which says "vi".
VI_MIN_DIACRITIC_RATIO = 0.1
# Letters whose decomposition is looked at when building the fold table: Latin-1 up to the letterlike
# symbols (Kelvin K, Ångström Å) cover every Latin letter with a canonical decomposition in the BMP.
_FOLD_LAST = 0x2150


def _fold_table() -> dict[int, str | None]:
    """Per code point: its letter without marks (đ → d, ệ → e, Å → A); combining marks → deleted."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in range(0x10000):
        ch = chr(cp)
        if unicodedata.combining(ch):
            table[cp] = None
        elif cp < _FOLD_LAST and ch.isalpha() and unicodedata.decomposition(ch):
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
            if base != ch and base.isascii() and base:
                table[cp] = base
    return table


_FOLD = _fold_table()  # ~30 ms at import, once for every caller
# str.translate looks a dict up per character (a new int key each time); a tuple is indexed instead, ~2.5x
# faster over an article. One entry per code point below _FOLD_LAST (Latin, Vietnamese, the common marks and
# punctuation: ~0.5 MB); the marks above it (114 of them, in other scripts) are a second, rare pass.
_DENSE = tuple(_FOLD.get(cp, chr(cp)) for cp in range(_FOLD_LAST))
_SPARSE = {cp: v for cp, v in _FOLD.items() if cp >= _FOLD_LAST}
_PAST_DENSE = re.compile(f"[{chr(_FOLD_LAST)}-\U0010ffff]")  # a C scan; max() over a str cost more than the fold


def fold(text: str) -> str:
    """Text without diacritics, in any Unicode form: "Nghệ An" → "Nghe An", "Đô Lương" → "Do Luong".

    Case, punctuation and letters without an ASCII base (ß, ø, CJK) are kept; combining marks are dropped.
    """
    # a code point past the tuple raises IndexError inside translate, which keeps that character as it is
    out = text.translate(_DENSE)
    return out.translate(_SPARSE) if _PAST_DENSE.search(out) else out


def vi_diacritic_ratio(text: str) -> float:
    """Share of letters carrying Vietnamese diacritics (ă â đ ê ô ơ ư, toned vowels): ~0.3 in Vietnamese prose."""
    lowered = text.lower()
    letters = sum(map(str.isalpha, lowered))  # map over C methods: ~3x faster than a generator
    if not letters:
        return 0.0
    return sum(map(VI_LETTERS.__contains__, lowered)) / letters  # every member is a letter


def looks_vietnamese(text: str) -> bool:
    """Diacritic evidence alone: enough Vietnamese-marked letters, one of them a Vietnamese-only letter."""
    return vi_diacritic_ratio(text) >= VI_MIN_DIACRITIC_RATIO and any(map(VI_STRONG_LETTERS.__contains__, text.lower()))


def has_strong_vietnamese_letter(text: str) -> bool:
    """Whether ``text`` has a letter (nearly) only Vietnamese uses: enough for a short title's hint."""
    return not VI_STRONG_LETTERS.isdisjoint(text.lower())
