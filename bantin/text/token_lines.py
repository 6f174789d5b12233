"""The word and punctuation tokens of a batch of texts, as one ``\\n``-joined string per text, made by numpy.

``token_lines(texts)[i] == "\\n".join(vitext._tokens(nfc(texts[i])))``: ``\\w+`` runs and single ``[^\\w\\s]``
characters, whitespace dropped, for the NFC form of each text. ``vitext._tokens`` makes every token a Python
string (~1.9 s CPU for 20,000 VNTC articles in ``bantin classify``, #12); the place matcher's automaton only needs
the joined string, and a token list only around its hits (a sixth of the articles), so the batch is classified per
code point with a table and the joined strings are cut from one decoded array. The table is built from the very
predicates of ``re``'s ``\\w`` and ``\\s`` (``str.isalnum`` or ``_``; ``str.isspace``, which ``str.split`` uses
too). A text with a character outside the BMP gets ``None`` (the caller tokenises it as before).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

BMP = 0x10000
SPACE, WORD, OTHER = 0, 1, 2
_SEP = ord("\n")


@lru_cache(maxsize=1)
def _classes() -> np.ndarray:
    """Per BMP code point: SPACE (``\\s``), WORD (``\\w``) or OTHER (a one-character token)."""
    chars = list(map(chr, range(BMP)))
    word = np.fromiter(map(str.isalnum, chars), dtype=bool, count=BMP)
    word[ord("_")] = True
    space = np.fromiter(map(str.isspace, chars), dtype=bool, count=BMP)
    return np.where(space, SPACE, np.where(word, WORD, OTHER)).astype(np.uint8)


def token_lines(texts: Sequence[str]) -> list[str | None]:
    """Per text, its tokens joined by ``\n`` ("" without tokens), or None for a text with an astral character."""
    if not texts:
        return []
    nfc = [t if unicodedata.is_normalized("NFC", t) else unicodedata.normalize("NFC", t) for t in texts]
    cp = np.frombuffer(" ".join(nfc).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # " ": ends tokens
    lengths = np.fromiter(map(len, nfc), dtype=np.int64, count=len(nfc))
    starts = np.cumsum(lengths + 1) - lengths - 1  # where each text begins in ``cp``
    odd = [False] * len(texts)
    if len(cp) and int(cp.max()) >= BMP:
        astral = np.concatenate(([0], np.cumsum(cp >= BMP)))
        odd = (astral[starts + lengths] - astral[starts] > 0).tolist()
        cp = np.where(cp < BMP, cp, 0)
    cls = _classes()[cp]
    kept = np.flatnonzero(cls != SPACE)
    kcls = cls[kept]
    # a token starts at a kept character that is OTHER, or WORD after a non-WORD (or after a dropped space)
    new = kcls == OTHER
    new[1:] |= (kept[1:] != kept[:-1] + 1) | (kcls[:-1] != WORD)
    lo, hi = np.searchsorted(kept, starts), np.searchsorted(kept, starts + lengths)  # each text's kept characters
    new[lo[hi > lo]] = False  # a text's first token has no separator before it
    seps = np.flatnonzero(new)
    out = np.full(len(kept) + len(seps), _SEP, dtype=np.uint32)
    chars = np.ones(len(out), dtype=bool)
    chars[seps + np.arange(len(seps))] = False  # the j-th separator lands j places after its token's character
    out[chars] = cp[kept]
    lines = out.tobytes().decode("utf-32-le", "surrogatepass")
    a = (lo + np.searchsorted(seps, lo, side="right")).tolist()  # output position of a text's first character
    b = (hi + np.searchsorted(seps, hi, side="left")).tolist()  # one past its last
    return [None if o else lines[x:y] if y > x else "" for x, y, o in zip(a, b, odd, strict=True)]
