"""Topics: the office taxonomy (coverage only: docs/principles.md, principle 2), the hashed
syllable TF-IDF vectoriser, the topic model, the generic text classifier, the labelled real RSS items and
their tune / held-out split (rssdata), the weak in-domain labels and training recipe of the default model
(weak, trainset), and the build of the shipped default model.

May import: ``text``.
"""
