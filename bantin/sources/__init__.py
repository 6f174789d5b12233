"""The source registry: publishers and organisations (docs/principles.md, principle 1), their feeds,
the sources file, adding a source by URL with feed autodiscovery, poll scheduling and health.

May import: ``app.settings``, ``app.stats``, ``store``, ``text``, ``feeds``, ``fetch``.
"""
