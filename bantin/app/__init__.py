"""The application layer: configuration, named counters, the audit log, and the wiring.

Owns: ``settings`` (the one reader of the environment), ``stats`` (named decision counters),
``audit`` (audit rows; docs/principles.md, principle 3), ``retention`` (enforcing retention: ``bantin db
prune`` and the crawl's daily job; frozen-evaluation articles are kept), ``context`` (opening the
configured database: the wiring) and ``crawl`` (assembling a crawl run from every stage).
May import: ``settings`` and ``stats`` import nothing of bantin; ``audit`` imports ``store``; ``retention``
imports ``settings``, ``stats``, ``audit``, ``store`` and ``classify`` (the frozen sets); ``context`` and
``crawl`` are the wiring and may import every package. No package other than ``cli`` imports ``context``
or ``crawl``.
"""
