"""Normalised Vietnamese syllables as 64-bit hashes, computed with numpy over a whole batch of texts.

The vectorised form of ``normalize_vi(text).lower()`` + ``re.findall(r"\\w+")`` (``bantin.text.normalize``):
NFC, underthesea's character map (``ð``→``đ``) and lowercase through one code-point table, then every
``\\w`` run gets a stable polynomial hash of its code points in a handful of numpy passes (no per-token
Python work), and underthesea's token rules (``bantin.text.tones``: ``hoà``→``hòa``, ``qúa``→``quá``) are
applied as a remap of syllable hashes. The topic vectoriser (``bantin.classify.topics.features``) builds
its n-gram features on these; ``tests/classify/test_features.py`` checks the hashes against
``normalize_vi`` tokens on real articles and the shipped model's features bit for bit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

from bantin.text.tones import RULE_MAX_LEN, char_rules, lower_token_rules

# Syllables longer than this share the last position weight (long digit runs, URLs); keeps the table small.
MAX_SYLLABLE_POS = 64
# Bitmap over low hash bits of the ~2.9k rule keys: ~0.3 % false candidates; halved transform time.
RULE_BITMAP_SIZE = 2**20

BMP = 0x10000
_MULT = np.uint64(0x100000001B3)  # FNV prime: position weights of the polynomial syllable hash


_CHAR_RULES = char_rules()


def _word_table() -> np.ndarray:
    """Per BMP code point: its lowercased (+ underthesea character map) code point if it is \\w, else 0."""
    table = np.zeros(BMP, dtype=np.uint32)
    for cp in range(1, BMP):
        ch = chr(cp)
        if ch.isalnum() or ch == "_":
            low = _CHAR_RULES.get(ch.lower(), ch.lower())
            table[cp] = ord(low) if len(low) == 1 else cp
    return table


_WORD_LOWER = _word_table()
_WORD_LOWER_FOLDED = _WORD_LOWER.copy()  # the same with digits 1-9 read as 0: "2007" and "1999" hash alike
_WORD_LOWER_FOLDED[ord("1") : ord("9") + 1] = ord("0")
_POW = np.cumprod(np.full(MAX_SYLLABLE_POS, _MULT, dtype=np.uint64)) // _MULT


def mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads hash bits so that ``h % n_buckets`` is uniform."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def joined(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the NFC texts joined by ``\\n``, and the end offset (exclusive, + 1) of each text."""
    nfc = [unicodedata.normalize("NFC", t) for t in texts]
    lengths = np.fromiter(map(len, nfc), dtype=np.int64, count=len(nfc)) + 1
    return np.frombuffer("\n".join(nfc).encode("utf-32-le"), dtype=np.uint32), np.cumsum(lengths)


def run_hashes(cp: np.ndarray, starts: np.ndarray, ends: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """Polynomial hash of each run ``cp[starts[i]:ends[i]]``; ``chars`` are the positions of all run characters."""
    tlen = ends - starts
    first = np.zeros(len(starts), dtype=np.int64)
    np.cumsum(tlen[:-1], out=first[1:])
    pos = chars - np.repeat(starts, tlen)
    contrib = cp[chars].astype(np.uint64) * _POW[np.minimum(pos, MAX_SYLLABLE_POS - 1)]
    return mix(np.add.reduceat(contrib, first) ^ (tlen.astype(np.uint64) << np.uint64(56)))


class Syllables:
    """The syllables of a batch of joined texts, with and without digits folded, sharing the work: the runs and
    every hash without a digit 1-9 are the same in both, so the folded hashes redo only the runs with one."""

    def __init__(self, prejoined: tuple[np.ndarray, np.ndarray]) -> None:
        cp, text_ends = prejoined
        if cp.max(initial=0) >= BMP:  # astral characters (emoji, rare CJK) are not word characters
            cp = np.where(cp < BMP, cp, 0)
        self._raw = cp
        self._low = _WORD_LOWER[cp]
        word = self._low != 0  # digits are word characters in both tables: the same runs
        edge = np.diff(word.view(np.int8), prepend=0, append=0)
        self._starts, self._ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
        self.doc = np.searchsorted(text_ends, self._starts, side="right")
        self.hashes = _hashed(self._low, self._starts, self._ends, np.flatnonzero(word))
        self._folded: np.ndarray | None = None

    def folded(self) -> np.ndarray:
        """The hashes with digits 1-9 read as 0 (``_WORD_LOWER_FOLDED``)."""
        if self._folded is None:
            digit = np.flatnonzero((self._raw >= ord("1")) & (self._raw <= ord("9")))
            h = self.hashes.copy()
            if len(digit):
                runs = np.unique(np.searchsorted(self._starts, digit, side="right") - 1)
                low = self._low.copy()
                low[digit] = ord("0")
                starts, ends = self._starts[runs], self._ends[runs]
                lengths = ends - starts
                chars = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
                h[runs] = _hashed(low, starts, ends, chars)
            self._folded = h
        return self._folded


def _hashed(cp: np.ndarray, starts: np.ndarray, ends: np.ndarray, chars: np.ndarray) -> np.ndarray:
    """Hashes of the runs ``cp[starts[i]:ends[i]]`` with underthesea's token rules applied."""
    if not len(starts):
        return np.zeros(0, dtype=np.uint64)
    h = run_hashes(cp, starts, ends, chars)
    short = (ends - starts) <= RULE_MAX_LEN
    if len(_RULE_KEYS):  # a bitmap prefilter spares the binary search for almost all syllables
        cand = np.flatnonzero(short & _RULE_BITS[h & np.uint64(RULE_BITMAP_SIZE - 1)])
        idx = np.minimum(np.searchsorted(_RULE_KEYS, h[cand]), len(_RULE_KEYS) - 1)
        hit = _RULE_KEYS[idx] == h[cand]
        h[cand[hit]] = _RULE_VALS[idx[hit]]
    return h


def syllables(
    texts: Sequence[str], fold_digits: bool = False, prejoined: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the lowercased \\w+ runs of ``texts`` (NFC) in order, and the text index of each
    (``prejoined``: ``joined(texts)`` if the caller has it already)."""
    syl = Syllables(prejoined if prejoined is not None else joined(texts))
    return (syl.folded() if fold_digits else syl.hashes), syl.doc


def _rule_table() -> tuple[np.ndarray, np.ndarray]:
    """underthesea's token rules (``hoà``→``hòa``) as sorted syllable-hash pairs (lowercased; hashed before
    the remap exists, so keys are hashed as written)."""
    pairs = lower_token_rules()
    keys, vals = list(pairs), list(pairs.values())
    kh, _ = syllables(keys)
    vh, vdoc = syllables(vals)
    one = np.bincount(vdoc, minlength=len(vals)) == 1  # values that stay one syllable
    first = np.searchsorted(vdoc, np.arange(len(vals)))
    kh, vh = kh[one], vh[np.minimum(first, len(vh) - 1)][one]
    order = np.argsort(kh)
    return kh[order], vh[order]


_RULE_KEYS = np.zeros(0, dtype=np.uint64)
_RULE_VALS = np.zeros(0, dtype=np.uint64)
_RULE_BITS = np.zeros(RULE_BITMAP_SIZE, dtype=bool)
_RULE_KEYS, _RULE_VALS = _rule_table()
_RULE_BITS[_RULE_KEYS & np.uint64(RULE_BITMAP_SIZE - 1)] = True


def syllable_hashes(texts: Sequence[str]) -> list[np.ndarray]:
    """Per text, the normalised syllable hashes (exposed for tests and benchmarks)."""
    h, doc = syllables(texts)
    return np.split(h, np.searchsorted(doc, np.arange(1, len(texts))))


