"""``bantin replay DIR``: a loopback HTTP server replaying real captured pages and feeds (and feeds
rebuilt from the news archive) for offline demos, tests and benchmarks.

May import: the standard library only (nothing of bantin's pipeline).
"""
