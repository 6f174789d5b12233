""":func:`~bantin.text.language.detect_language` over a batch of texts: the same answers, with the letter counts
of every sample made by numpy over the whole batch (``bantin classify``: 20,000 VNTC articles took ~2 s CPU in
Python's per-character passes, #12).

The three passes of the scalar detector (letters of the sample, letters and Vietnamese letters of its lowercase
form, any Vietnamese-only letter in it) are per-character sums, so they become table look-ups: per BMP code point,
what that character contributes, measured on the character's own ``str.lower()``. ``str.lower()`` works character
by character except for the final-sigma rule, and both sigmas are letters outside the Vietnamese sets, so the
counts are the very integers the scalar passes compute and the ratio the same float. A text with an astral
character (emoji) takes the scalar path.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, partial

import numpy as np

from bantin.text.diacritics import VI_LETTERS, VI_STRONG_LETTERS
from bantin.text.language import MAX_CHARS, decide, detect_language

BMP = 0x10000


# The four per-character counts are packed in one uint64 (FIELD_BITS each), so one gather and one cumulative sum
# count them all; a field's sum over a sample is at most MAX_CHARS x 2 (İ lowercases to two letters) < 2^12.
FIELD_BITS = 12


@lru_cache(maxsize=1)
def _table() -> np.ndarray:
    """Per BMP code point, packed: is a letter; letters, Vietnamese letters and Vietnamese-only letters of its
    lowercase form (~30 ms, once: each lowercase form's characters counted by numpy)."""
    chars = list(map(chr, range(BMP)))
    lowered = "\0".join(["", *chars[1:]]).lower()  # lowercase form i after the i-th NUL: none lowercases to NUL
    low = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    assert int(low.max()) < BMP  # BMP characters lowercase inside the BMP
    owner = np.cumsum(low == 0)  # which code point's lowercase form each character belongs to
    alpha = np.fromiter(map(str.isalpha, chars), dtype=bool, count=BMP)
    cols = [alpha.astype(np.uint64)]
    for members in (alpha, _members(VI_LETTERS), _members(VI_STRONG_LETTERS)):
        cols.append(np.bincount(owner, weights=members[low], minlength=BMP).astype(np.uint64))
    packed = np.zeros(BMP, dtype=np.uint64)
    for i, values in enumerate(cols):
        assert values.max() * MAX_CHARS < 2**FIELD_BITS  # a sample's sum fits its field
        packed |= values << np.uint64(i * FIELD_BITS)
    return packed


def _members(letters: frozenset[str]) -> np.ndarray:
    mask = np.zeros(BMP, dtype=bool)
    mask[[ord(c) for c in letters]] = True
    return mask


def _unpack(sums: list[int]) -> list[tuple[int, ...]]:
    mask = (1 << FIELD_BITS) - 1
    return [tuple((s >> (i * FIELD_BITS)) & mask for i in range(4)) for s in sums]


def detect_languages(texts: Sequence[str]) -> list[str]:
    """``[detect_language(t) for t in texts]`` (no declared language, no counters), counted in one batch."""
    samples = [t[:MAX_CHARS] for t in texts]
    if not samples:
        return []
    cp = np.frombuffer("".join(samples).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, samples), dtype=np.int64, count=len(samples))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    astral = cp >= BMP
    sums = np.zeros(len(cp) + 1, dtype=np.uint64)
    np.cumsum(_table()[np.where(astral, 0, cp)], out=sums[1:])
    counts = _unpack((sums[ends] - sums[starts]).tolist())
    n_astral = np.concatenate(([0], np.cumsum(astral)))
    has_astral = (n_astral[ends] - n_astral[starts]).tolist()
    out = []
    for text, sample, (n_letters, low_letters, vi, strong), odd in zip(texts, samples, counts, has_astral,
                                                                        strict=True):
        if odd:
            out.append(detect_language(text))
            continue
        ratio = vi / low_letters if low_letters else 0.0  # vi_diacritic_ratio's very division
        out.append(decide(sample, n_letters, None, None, partial(float, ratio), partial(bool, strong))[0])
    return out
