"""Exact and near-duplicate detection for syndicated news (the same story in several papers).

* ``content_hash`` — sha256 of ``canonical_text`` (NFC, casefold, one Vietnamese tone-mark placement,
  punctuation dropped, whitespace collapsed): reposts differing only cosmetically.
* ``signature`` / ``signature_to_bytes`` / ``signature_from_bytes`` — 128 uint32 MinHash values of the
  syllable 3-gram set, 512 bytes in a DB column (``bantin.dedup.minhash``).
* ``NearDupIndex`` — LSH index returning stored copies with estimated Jaccard ≥ 0.25
  (``bantin.dedup.index``); counters ``dedup/near_dup``, ``dedup/lsh_candidates``,
  ``dedup/rejected_verify``.
* ``credit_source`` / ``choose_origin`` / ``OriginCandidate`` — credit lines ("Theo Dân trí") and the
  origin of a cluster (``bantin.dedup.credit``); counters ``dedup/origin_by_credit|time``.

Measured on bench/neardup.py (see its docstring for how the test set is built).

May import: ``app.stats``, ``text``.
"""
