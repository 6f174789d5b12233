"""Feed and sitemap bytes → ``FeedItem`` lists: RSS 0.9x/1.0/2.0, Atom, RDF, JSON Feed, sitemaps;
repair of broken documents; the field cleaners. Parsers get bytes and never raise.

May import: ``app.stats``, ``text``.
"""
