"""MinHash signatures of Vietnamese news text (the core of ``bantin.dedup.shim``).

``signature`` is a datasketch-compatible ``affine32`` MinHash (uint32 hash values) of the set of syllable
3-grams ("shingles") of ``canonical_text``, computed with numpy in one pass: shingle hashes are polynomial
hashes over the code points taken from prefix sums, so no per-token Python runs.  It equals
``datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", hashfunc=int)
.update_batch(shingle_hashes(text))`` (a test checks this), so datasketch can read stored values.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import MinHash

from bantin.text.tones import LOWER_TONE_SHIFTS

# Syllables per shingle. Exact Jaccard of bench/neardup_data.py copies vs. distinct VNTC stories: share
# of true copy pairs below J=0.3 was 16 % for 2-grams, 13 % for 3-grams, 17 % / 20 % for 4- / 5-grams,
# and 2-grams gave unrelated stories the most overlap (common phrases).
SHINGLE_SIZE = 3
# Permutations: the Jaccard estimate's s.d. is ≤ 0.044 at 128 (0.0625 at 64) around the 0.25 verify
# threshold, and 128 leaves room for the LSH's 64 bands × 2 rows; costs 512 bytes per stored article.
NUM_PERM = 128
# Fixed seed of the permutations: stored signatures are only comparable with the same seed.
SEED = 20240601

_SCHEME = "affine32"
_EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's "no value seen" sentinel for affine32
_PERM_A, _PERM_B = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME).permutations
_U64 = np.uint64
_POLY = _U64(0x100000001B3)  # FNV-64 prime: odd, so invertible modulo 2**64
_POLY_INV = _U64(pow(0x100000001B3, -1, 1 << 64))
_FOLD = _U64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: the top 32 bits of h*_FOLD are well mixed


def _word_table() -> np.ndarray:
    """Basic-plane code points that belong to a syllable (letters, digits, combining marks)."""
    table = np.zeros(0x10000, dtype=bool)
    for cp in range(0x10000):
        table[cp] = unicodedata.category(chr(cp))[0] in "LNM"
    return table


_IS_WORD = _word_table()  # ~15 ms at import; a regex \W+ substitution costs 0.3 ms per article

# New-style tone placement ("hoà", "thuỷ") → old style ("hòa", "thủy") anywhere in the casefolded text
# (both occur in the press); the rule's one table is bantin.text.tones.
_TONE_RE = re.compile("|".join(f"{v}[{''.join(k[1] for k in LOWER_TONE_SHIFTS if k[0] == v)}]"
                               for v in dict.fromkeys(k[0] for k in LOWER_TONE_SHIFTS)))


def _canonical_codes(text: str) -> np.ndarray:
    """Code points of the canonical form: syllables separated by single spaces (32), no edge spaces."""
    folded = unicodedata.normalize("NFC", text).casefold()
    folded = _TONE_RE.sub(lambda m: LOWER_TONE_SHIFTS[m.group(0)], folded)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    word = np.zeros(codes.size + 1, dtype=bool)
    basic = codes < 0x10000
    word[1:][basic] = _IS_WORD[codes[basic]]
    # keep word characters and the first character of each gap, which becomes the one space
    keep = word[1:] | (word[:-1] & ~word[1:])
    out = np.where(word[1:], codes, np.uint32(32))[keep]
    first = int(np.argmax(out != 32)) if out.size else 0
    out = out[first:]
    return out[:-1] if out.size and out[-1] == 32 else out


def canonical_text(text: str) -> str:
    """The form both hashes are computed from: syllables separated by single spaces."""
    return _canonical_codes(text).astype("<u4").tobytes().decode("utf-32-le")


def shingle_hashes(text: str, size: int = SHINGLE_SIZE) -> np.ndarray:
    """Distinct uint32 hashes of the ``size``-syllable shingles (the whole text if it is shorter)."""
    return _shingle_hashes(_canonical_codes(text), size)


def _shingle_hashes(canonical: np.ndarray, size: int = SHINGLE_SIZE) -> np.ndarray:
    codes = canonical.astype(_U64)
    if codes.size == 0:
        return np.empty(0, dtype=np.uint32)
    n = codes.size
    # prefix[i] = sum(codes[j] * P**j for j < i), wrapping modulo 2**64
    powers = np.empty(n, dtype=_U64)
    powers[0] = 1
    powers[1:] = _POLY
    powers = np.cumprod(powers, dtype=_U64)
    prefix = np.zeros(n + 1, dtype=_U64)
    np.cumsum(codes * powers, dtype=_U64, out=prefix[1:])
    spaces = np.flatnonzero(codes == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [n]))
    if starts.size > size:
        starts, ends = starts[: starts.size - size + 1], ends[size - 1 :]
    else:
        starts, ends = starts[:1], ends[-1:]
    inv = np.empty(n, dtype=_U64)
    inv[0] = 1
    inv[1:] = _POLY_INV
    inv = np.cumprod(inv, dtype=_U64)
    raw = (prefix[ends] - prefix[starts]) * inv[starts]  # position-independent hash of the span
    return np.unique(((raw + _U64(ends - starts)) * _FOLD >> _U64(32)).astype(np.uint32))


def signature_of_hashes(hashes: np.ndarray) -> np.ndarray:
    """affine32 MinHash of precomputed uint32 shingle hashes (datasketch's own arithmetic)."""
    if hashes.size == 0:
        return np.full(NUM_PERM, _EMPTY, dtype=np.uint32)
    hv = hashes.astype(np.uint32).reshape(-1, 1)
    hv ^= hv >> np.uint32(16)  # MurmurHash3 fmix32, as datasketch applies before the permutations
    hv *= np.uint32(0x85EBCA6B)
    hv ^= hv >> np.uint32(13)
    hv *= np.uint32(0xC2B2AE35)
    hv ^= hv >> np.uint32(16)
    return (hv * _PERM_A + _PERM_B).min(axis=0)


def signature(text: str) -> np.ndarray:
    """MinHash signature of ``text``: ``NUM_PERM`` uint32 values."""
    return signature_of_hashes(shingle_hashes(text))


def is_empty_signature(sig: np.ndarray) -> bool:
    """True for the signature of a text without a single syllable (never matches anything)."""
    return bool(np.all(sig == _EMPTY))


def signature_to_bytes(sig: np.ndarray) -> bytes:
    """Little-endian uint32 values: ``4 * NUM_PERM`` bytes for a DB column."""
    return np.asarray(sig, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    if len(data) != 4 * NUM_PERM:
        raise ValueError(f"expected {4 * NUM_PERM} bytes of signature, got {len(data)}")
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def content_hash(text: str) -> str:
    """Hex sha256 of ``canonical_text(text)``: equal for texts differing only in case, spacing,
    punctuation, Unicode normal form or tone-mark placement."""
    return _hash_of_codes(_canonical_codes(text))


def _hash_of_codes(canonical: np.ndarray) -> str:
    text = canonical.astype("<u4").tobytes().decode("utf-32-le")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(text: str) -> tuple[str, np.ndarray]:
    """``(content_hash(text), signature(text))`` from one canonicalisation of the text (ingest needs both)."""
    codes = _canonical_codes(text)
    return _hash_of_codes(codes), signature_of_hashes(_shingle_hashes(codes))

