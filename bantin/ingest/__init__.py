"""The crawl core: the durable frontier, storing an article exactly once with its URL aliases,
syndication clusters, and the Scrapy spider that drives fetch → feeds → extract → dedup → store.

May import: ``app.settings``, ``app.stats``, ``store``, ``text``, ``fetch``, ``feeds``, ``extract``, ``dedup``,
``sources``, ``search`` (the indexer). Never ``classify`` or ``app.context``: classification is wired in by ``app.crawl``.
"""
