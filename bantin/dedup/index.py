"""MinHash LSH banding and verification; the buckets themselves live in the database.

A signature's ``BANDS`` band keys (``band_keys``: the band number in the high bits, the band's hash in
the low 32, so one integer column says both) are stored beside the article (table ``article_bands``,
whose primary key is (key, article_id)), so every crawler on one database sees every other's articles and
start-up loads nothing.  A lookup is one indexed SELECT of the stored articles sharing at least one band
key (the LSH candidates), then ``verify`` keeps those whose estimated Jaccard reaches ``VERIFY_JACCARD``.  The
SQL lives in ``bantin.ingest.neardup`` (this package imports no ``store``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from bantin.app.stats import StatsLike
from bantin.dedup.minhash import NUM_PERM, is_empty_signature

# Band size and count: r=2, b=64 makes a pair with true Jaccard 0.2 a candidate with p=0.93 (0.3 →
# 0.998). On bench/neardup.py (1k originals, 4k distinct, 200k stored) it lifted cluster-pair F1 at the
# best threshold from 0.983 (r=3, b=42) to 0.993, for 114 instead of 0.6 LSH candidates per query at
# 200k stored.
ROWS = 2
BANDS = 64
# Estimated Jaccard (of syllable 3-gram sets) a candidate must reach. bench/neardup.py sweep (r=2):
# 0.2 → P 0.92 (copies chain unrelated clusters), 0.25 → P 0.997 R 0.988, 0.3 → P 1.0 R 0.968.
VERIFY_JACCARD = 0.25
_M1, _M2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)
# Bits of a band key below the band number: the band's 32-bit hash.
BAND_SHIFT = 32


def band_keys(sig: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """One int64 key per band: ``band << BAND_SHIFT | h``, h a 32-bit hash of the band's ``rows`` values
    salted by the band number (keys of different bands never collide); empty for the signature of a text
    without a syllable, which is never a candidate."""
    if bands * rows > NUM_PERM:
        raise ValueError(f"bands*rows={bands * rows} exceeds NUM_PERM={NUM_PERM}")
    if is_empty_signature(sig):
        return np.empty(0, dtype=np.int64)
    h = (np.arange(bands, dtype=np.uint64) + np.uint64(1)) * _M2
    for col in np.asarray(sig)[: bands * rows].reshape(bands, rows).T.astype(np.uint64):
        h = (h ^ col) * _M1
    h = (h ^ (h >> np.uint64(29))) >> np.uint64(32)
    return (h | (np.arange(bands, dtype=np.uint64) << np.uint64(BAND_SHIFT))).astype(np.int64)


def verify(sig: np.ndarray, candidates: Iterable[tuple[int, np.ndarray]], threshold: float = VERIFY_JACCARD,
           stats: StatsLike | None = None) -> list[tuple[int, float]]:
    """(key, estimated Jaccard) of the LSH candidates that reach ``threshold``, most similar first.

    Counts ``dedup/lsh_candidates`` and ``dedup/rejected_verify``."""
    pairs = list(candidates)
    if not pairs:
        return []
    keys = np.fromiter((k for k, _ in pairs), dtype=np.int64, count=len(pairs))
    return verify_stacked(sig, keys, np.stack([s for _, s in pairs]), threshold, stats)


def verify_stacked(sig: np.ndarray, keys: np.ndarray, sigs: np.ndarray, threshold: float = VERIFY_JACCARD,
                   stats: StatsLike | None = None) -> list[tuple[int, float]]:
    """``verify`` of candidates given as arrays: ``keys[i]`` has signature ``sigs[i]`` (one row each), as
    read from the database in one piece (per-candidate arrays cost ~0.25 ms a query at 64 candidates)."""
    if not len(keys) or is_empty_signature(sig):
        return []
    est = np.count_nonzero(sigs == sig, axis=1) / NUM_PERM
    keep = est >= threshold
    if stats is not None:
        stats.inc_value("dedup/lsh_candidates", len(keys))
        stats.inc_value("dedup/rejected_verify", int(len(keys) - keep.sum()))
    order = np.argsort(-est[keep], kind="stable")
    return list(zip(keys[keep][order].tolist(), est[keep][order].tolist(), strict=True))
