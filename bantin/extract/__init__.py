"""Article page bytes → ``ExtractedArticle``: trafilatura body and title, htmldate, canonical URL,
the lead, and the extraction worker processes that run beside the crawler.

May import: ``app.stats``, ``text``.
"""
