"""Topics: the office taxonomy (coverage only: docs/principles.md, principle 2), the hashed
syllable TF-IDF vectoriser, the multi-label topic model, the generic text classifier, the #12 VNTC
candidate (``vntc_model``, not a default), and the build of the shipped default model.

May import: ``text``.
"""
