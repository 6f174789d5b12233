"""``bantin replay DIR``: a loopback HTTP server replaying real captured pages and feeds (and feeds
rebuilt from the news archive) for offline demos, tests and benchmarks.

May import: the standard library and ``text`` (diacritic folding for feed slugs); nothing else of
bantin's pipeline.
"""
