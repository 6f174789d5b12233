"""Vietnamese text, each job done once, here, for every stage: bytes → text (``charset``: windows-1258,
VISCII), tone-mark placement (``tones``: the glide rule and underthesea's token rules), normalisation
(``normalize``), normalised syllables as hashes for the vectoriser (``syllables``), diacritic folding and
the diacritic "is it Vietnamese?" evidence (``diacritics``), language identification (``language``: the
one detector, "vi" | "en" | "other"), tokens for place matching (``vitext``).

May import: ``app.stats`` only. Everything that handles Vietnamese text uses these helpers.
"""
