"""Exact and near-duplicate detection for syndicated news (the same story in several papers).

* ``content_hash`` — sha256 of ``canonical_text`` (NFC, casefold, one Vietnamese tone-mark placement,
  punctuation dropped, whitespace collapsed): reposts differing only cosmetically.
* ``signature`` / ``signature_to_bytes`` / ``signature_from_bytes`` — 128 uint32 MinHash values of the
  syllable 3-gram set, 512 bytes in a DB column (``bantin.dedup.minhash``).
* ``NearDupIndex`` — LSH index returning stored copies with estimated Jaccard ≥ 0.25
  (``bantin.dedup.index``). ``dedup/lsh_candidates`` and ``dedup/rejected_verify`` are the index's own
  counters, kept only by an index given a collector (``NearDupIndex(stats=...)``, as bench/neardup.py
  does); the crawler's index has none, so a crawl's stats do not show them. ``dedup/near_dup`` and
  ``dedup/cluster_merge`` are counted where an article joins a cluster (``bantin.ingest.store``).
* ``credit_source`` / ``choose_origin`` / ``OriginCandidate`` — credit lines ("Theo Dân trí") and the
  origin of a cluster (``bantin.dedup.credit``); counters ``dedup/origin_by_credit|time``, one per origin
  decision (each time a copy joins a cluster, in ``bantin.ingest.store``).

Measured on bench/neardup.py (see its docstring for how the test set is built).

May import: ``app.stats``, ``text``.
"""
