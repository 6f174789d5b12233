"""Exact and near-duplicate detection for syndicated news (the same story in several papers).

* ``content_hash`` — sha256 of ``canonical_text`` (NFC, casefold, one Vietnamese tone-mark placement,
  punctuation dropped, whitespace collapsed): reposts differing only cosmetically.
* ``signature`` / ``signature_to_bytes`` / ``signature_from_bytes`` — 128 uint32 MinHash values of the
  syllable 3-gram set, 512 bytes in a DB column (``bantin.dedup.minhash``).
* ``band_keys`` / ``verify`` — MinHash LSH banding (64 bands × 2 rows) and verification of candidates
  by estimated Jaccard ≥ 0.25 (``bantin.dedup.index``); the buckets are the database's ``article_bands``
  table, queried by ``bantin.ingest.neardup``; counters ``dedup/lsh_candidates``,
  ``dedup/rejected_verify`` (and ``dedup/near_dup`` in ``ingest``).
* ``credit_source`` / ``choose_origin`` / ``OriginCandidate`` — credit lines ("Theo Dân trí") and the
  origin of a cluster (``bantin.dedup.credit``); counters ``dedup/origin_by_credit|time``, one per origin
  decision (each time a copy joins a cluster, in ``bantin.ingest.store``).

Measured on bench/neardup.py (see its docstring for how the test set is built).

May import: ``app.stats``, ``text``.
"""
