"""Article page bytes → ``ExtractedArticle``: trafilatura body and title, htmldate, canonical URL,
the lead, byline stripping (``byline``: no reporter's name is stored, docs/principles.md principle 1), and
the extraction worker processes that run beside the crawler.

May import: ``app.stats``, ``text``.
"""
