"""Full-text search over stored articles: the folded search document (diacritics and case away, đ → d,
so "do luong" finds "Đô Lương"), the index (SQLite FTS5 / PostgreSQL tsvector + GIN, written with the
article), the query language (words, "phrases", OR, -exclusion), highlighting on the original text, and
the filtered, newest-first article listing that the API and exports share.

May import: ``text``, ``store``. Never ``api``, ``cli``, ``ingest`` (ingest calls the indexer).
"""
