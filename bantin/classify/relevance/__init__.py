"""Province relevance: the gazetteer built from vietnam-provinces and vietnamadminunits, the landmarks learned
from stored coverage (``learned``), the place scan with its traps, and the primary / mention / none decision.

May import: ``text``.
"""
