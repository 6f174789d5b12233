"""``NearDupIndex``: MinHash LSH over ``dedup.signature`` values, compact enough for 200k+ articles.

Why not ``datasketch.MinHashLSH`` itself: it keeps one Python set per bucket plus a per-key list of band
keys, about 10 KB per article at 32 bands — measured 2.08 GB RSS for 200k articles (b=32, r=4, int band
keys via ``hashfunc``) and 0.29 ms per insert.  Here the banding is the same (b bands of r values, a
candidate shares at least one band), but buckets live in one sorted numpy array of (uint32 band key,
row) pairs with a directory over the keys' top bits, plus a small dict for recent inserts merged in
every ``MERGE_EVERY`` articles; signatures are kept in a uint32 matrix for verification by estimated
Jaccard.  About 1 KB per article in all (measured in bench/neardup.py).  Removal marks rows dead; dead rows are
dropped when they reach a quarter of the store.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from bantin.app.stats import StatsLike
from bantin.dedup.minhash import NUM_PERM, is_empty_signature

# Band size and count: r=2, b=64 makes a pair with true Jaccard 0.2 a candidate with p=0.93 (0.3 →
# 0.998). On bench/neardup.py (1k originals, 4k distinct, 200k stored) it lifted cluster-pair F1 at the
# best threshold from 0.983 (r=3, b=42) to 0.993, for 114 instead of 0.6 LSH candidates per query at
# 200k stored (0.22 vs 0.18 ms per query) and ~45 MB more at 200k.
ROWS = 2
BANDS = 64
# Estimated Jaccard (of syllable 3-gram sets) a candidate must reach. bench/neardup.py sweep (r=2):
# 0.2 → P 0.92 (copies chain unrelated clusters), 0.25 → P 0.997 R 0.988, 0.3 → P 1.0 R 0.968.
VERIFY_JACCARD = 0.25
# Recent inserts wait in a dict; merging into the sorted arrays costs one O(n) copy, so batch them.
MERGE_EVERY = 4096
# Sorted band keys per directory slot: 4 keeps the directory at 1/4 the key count (~8 MB at 200k articles).
DIR_LOAD = 4
_UNKNOWN_DAY = np.iinfo(np.int32).min
_M1, _M2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)


def _day(when: datetime | None) -> int:
    return _UNKNOWN_DAY if when is None else when.toordinal()


class NearDupIndex:
    """Keys (article ids) → signatures; ``query`` returns keys whose estimated Jaccard ≥ threshold.

    ``window_days``: when set, only articles published within that many days of the query's date are
    compared (either date unknown → compared); ``remove_older_than`` drops old rows to bound memory.
    """

    def __init__(self, threshold: float = VERIFY_JACCARD, window_days: int | None = None,
                 bands: int = BANDS, rows: int = ROWS, stats: StatsLike | None = None) -> None:
        if bands * rows > NUM_PERM:
            raise ValueError(f"bands*rows={bands * rows} exceeds NUM_PERM={NUM_PERM}")
        self.threshold, self.window_days, self.bands, self.rows = threshold, window_days, bands, rows
        self.stats = stats
        self._sigs = np.empty((1024, NUM_PERM), dtype=np.uint32)
        self._keys = np.empty(1024, dtype=np.int64)
        self._days = np.empty(1024, dtype=np.int32)
        self._alive = np.zeros(1024, dtype=bool)
        self._n = 0  # rows used (alive or dead)
        self._row_of: dict[int, int] = {}
        self._bkeys = np.empty(0, dtype=np.uint32)  # sorted band keys
        self._brows = np.empty(0, dtype=np.int32)  # row of each band key
        self._shift = np.uint32(31)  # _dir[k >> _shift] = first position of keys with those top bits
        self._dir = np.zeros(3, dtype=np.int64)
        self._pending: dict[int, list[int]] = {}
        self._pending_rows = 0
        self._salt = (np.arange(bands, dtype=np.uint64) + np.uint64(1)) * _M2

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, key: int) -> bool:
        return key in self._row_of

    def _band_keys(self, sig: np.ndarray) -> np.ndarray:
        h = self._salt.copy()
        for col in sig[: self.bands * self.rows].reshape(self.bands, self.rows).T.astype(np.uint64):
            h = (h ^ col) * _M1
        return ((h ^ (h >> np.uint64(29))) >> np.uint64(32)).astype(np.uint32)

    def _grow(self) -> None:
        cap = self._keys.size * 2
        self._sigs = np.resize(self._sigs, (cap, NUM_PERM))
        self._keys, self._days = np.resize(self._keys, cap), np.resize(self._days, cap)
        alive = np.zeros(cap, dtype=bool)
        alive[: self._n] = self._alive[: self._n]
        self._alive = alive

    def insert(self, key: int, sig: np.ndarray, published: datetime | None = None) -> None:
        if key in self._row_of:
            raise ValueError(f"key {key} already in the index")
        if self._n == self._keys.size:
            self._grow()
        row = self._n
        self._n += 1
        self._sigs[row], self._keys[row], self._days[row], self._alive[row] = sig, key, _day(published), True
        self._row_of[key] = row
        if is_empty_signature(sig):
            return  # stored (so remove() works) but never a candidate
        for bk in self._band_keys(sig).tolist():
            self._pending.setdefault(bk, []).append(row)
        self._pending_rows += 1
        if self._pending_rows >= MERGE_EVERY:
            self._merge()

    def flush(self) -> None:
        """Merge pending inserts into the sorted arrays now (after a bulk load; otherwise automatic)."""
        self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        sizes = [len(v) for v in self._pending.values()]
        keys = np.repeat(np.fromiter(self._pending.keys(), np.uint32, len(sizes)), sizes)
        rows = np.fromiter((r for v in self._pending.values() for r in v), np.int32, sum(sizes))
        order = np.argsort(keys, kind="stable")
        pos = np.searchsorted(self._bkeys, keys[order])
        self._bkeys = np.insert(self._bkeys, pos, keys[order])
        self._brows = np.insert(self._brows, pos, rows[order])
        self._pending, self._pending_rows = {}, 0
        self._index_keys()

    def _index_keys(self) -> None:
        """Directory over the top bits of the sorted keys (~DIR_LOAD keys per slot): a lookup reads one
        slot and a few neighbouring keys instead of binary-searching (cache misses) millions of keys."""
        bits = max(1, min(28, int(np.log2(max(2, self._bkeys.size // DIR_LOAD)))))
        self._shift = np.uint32(32 - bits)
        counts = np.bincount(self._bkeys >> self._shift, minlength=1 << bits)
        self._dir = np.concatenate(([0], np.cumsum(counts)))

    def _candidate_rows(self, sig: np.ndarray) -> np.ndarray:
        qk = self._band_keys(sig)
        slot = qk >> self._shift
        lo, hi = self._dir[slot], self._dir[slot + 1]
        lens = hi - lo
        pos = np.repeat(lo - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
        same = self._bkeys[pos] == np.repeat(qk, lens)
        parts = [self._brows[pos[same]]]
        if self._pending:
            get = self._pending.get
            parts += [np.asarray(v, dtype=np.int32) for k in qk.tolist() if (v := get(k))]
        return np.unique(np.concatenate(parts))

    def query_scored(self, sig: np.ndarray, published: datetime | None = None) -> list[tuple[int, float]]:
        """(key, estimated Jaccard) of stored near-duplicates, most similar first."""
        if is_empty_signature(sig):
            return []
        rows = self._candidate_rows(sig)
        rows = rows[self._alive[rows]]
        if self.window_days is not None and published is not None and rows.size:
            days = self._days[rows]
            near = (days == _UNKNOWN_DAY) | (np.abs(days.astype(np.int64) - _day(published)) <= self.window_days)
            rows = rows[near]
        if not rows.size:
            return []
        est = np.count_nonzero(self._sigs[rows] == sig, axis=1) / NUM_PERM
        keep = est >= self.threshold
        if self.stats is not None:
            self.stats.inc_value("dedup/lsh_candidates", int(rows.size))
            self.stats.inc_value("dedup/rejected_verify", int(rows.size - keep.sum()))
        order = np.argsort(-est[keep], kind="stable")
        return list(zip(self._keys[rows[keep]][order].tolist(), est[keep][order].tolist(), strict=True))

    def query(self, sig: np.ndarray, published: datetime | None = None) -> list[int]:
        """Keys of stored near-duplicates of ``sig``, most similar first."""
        found = [k for k, _ in self.query_scored(sig, published)]
        if found and self.stats is not None:
            self.stats.inc_value("dedup/near_dup")
        return found

    def remove(self, key: int) -> None:
        row = self._row_of.pop(key)  # KeyError for an unknown key, like dict
        self._alive[row] = False
        if self._n - len(self._row_of) > max(MERGE_EVERY, self._n // 4):
            self._compact()

    def remove_older_than(self, cutoff: datetime) -> int:
        """Drop articles published before ``cutoff`` (unknown dates stay); returns how many."""
        old = np.flatnonzero(self._alive[: self._n] & (self._days[: self._n] != _UNKNOWN_DAY)
                             & (self._days[: self._n] < _day(cutoff)))
        for key in self._keys[old].tolist():
            del self._row_of[key]
        self._alive[old] = False
        self._compact()
        return int(old.size)

    def _compact(self) -> None:
        """Renumber alive rows densely and drop dead rows' band entries."""
        self._merge()
        alive = self._alive[: self._n]
        new_row = np.cumsum(alive, dtype=np.int32) - 1
        keep = alive[self._brows]
        self._bkeys, self._brows = self._bkeys[keep], new_row[self._brows[keep]]
        self._index_keys()
        n = int(alive.sum())
        self._sigs[:n], self._keys[:n], self._days[:n] = self._sigs[: self._n][alive], \
            self._keys[: self._n][alive], self._days[: self._n][alive]
        self._alive[:] = False
        self._alive[:n] = True
        self._n = n
        self._row_of = dict(zip(self._keys[:n].tolist(), range(n), strict=True))
