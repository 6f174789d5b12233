"""Exact and near-duplicate detection for syndicated news (the same story in several papers).

* ``content_hash`` — sha256 of ``canonical_text`` (NFC, casefold, one Vietnamese tone-mark placement,
  punctuation dropped, whitespace collapsed): reposts differing only cosmetically.
* ``signature`` / ``signature_to_bytes`` / ``signature_from_bytes`` — 128 uint32 MinHash values of the
  syllable 3-gram set, 512 bytes in a DB column (``bantin.crawlers.minhash``).
* ``NearDupIndex`` — LSH index returning stored copies with estimated Jaccard ≥ 0.25
  (``bantin.crawlers.neardup_index``); counters ``dedup/near_dup``, ``dedup/lsh_candidates``,
  ``dedup/rejected_verify``.
* ``credit_source`` / ``choose_origin`` / ``OriginCandidate`` — credit lines ("Theo Dân trí") and the
  origin of a cluster (``bantin.crawlers.credit``); counters ``dedup/origin_by_credit|time``.

Measured on bench/neardup.py (see its docstring for how the test set is built).
"""

from __future__ import annotations

import hashlib

from bantin.crawlers.credit import (
    OriginCandidate,
    choose_origin,
    credit_matches,
    credit_source,
    publisher_key,
)
from bantin.crawlers.minhash import (
    NUM_PERM,
    SEED,
    SHINGLE_SIZE,
    canonical_text,
    is_empty_signature,
    jaccard,
    shingle_hashes,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)
from bantin.crawlers.neardup_index import NearDupIndex

__all__ = [
    "NUM_PERM", "SEED", "SHINGLE_SIZE", "NearDupIndex", "OriginCandidate", "canonical_text", "choose_origin",
    "content_hash", "credit_matches", "credit_source", "is_empty_signature", "jaccard", "publisher_key",
    "shingle_hashes", "signature", "signature_from_bytes", "signature_to_bytes",
]


def content_hash(text: str) -> str:
    """Hex sha256 of ``canonical_text(text)``: equal for texts differing only in case, spacing,
    punctuation, Unicode normal form or tone-mark placement."""
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()

