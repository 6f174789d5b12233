"""Province relevance: the gazetteer built from vietnam-provinces and vietnamadminunits, the landmarks learned
from stored coverage (``learned``), the place scan with its traps (package ``scan``: ``scan.places``; its tables
and tests of the words around a match: ``scan.tables``; the token automaton: ``scan.tokenindex``), and the
primary / mention / none decision: by rules (``province``; what each hit weighs: ``scan.weights``; how the fields
are read: ``scan.fields``), or
learned from the analysts' labels over the same evidence (``evidence``, ``decision``, ``learned_decision``;
trained by ``training`` on ``rows``).

May import: ``text``. The learned decision's data and training (``rows``, ``training``) also import
``classify.io``, ``classify.labels`` and ``store`` (the analysts' labels); nothing here imports the registry.
"""
