"""Province relevance: the gazetteer built from vietnam-provinces and vietnamadminunits,
the place scan with its traps, and the primary / mention / none decision.

May import: ``text``.
"""
