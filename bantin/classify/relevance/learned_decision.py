"""The province decision made by a registered :class:`~.decision.RelevanceClassifier` instead of the rules.

:class:`LearnedMatcher` wraps a matcher (or the service's lazy one): the matcher finds and weighs the places as
always (``places`` in the result are the same evidence the rules list), the model decides primary / mention / none
from :func:`~.evidence.features_of`, and the score is placed in the band of the model's label, as the rules' is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bantin.classify.relevance.evidence import banded, features_of
from bantin.classify.relevance.province import ProvinceResult


class LearnedMatcher:
    """``match(title, text, summary)`` like a ProvinceMatcher, with ``model`` deciding; ``origin`` names the version."""

    def __init__(self, matcher: Any, model: Any, origin: str) -> None:
        self._inner = matcher
        self.model = model
        self.origin = origin
        self.province = matcher.province
        self._classes = [str(c) for c in model.classes_]

    @property
    def matcher(self) -> Any:
        """The underlying ProvinceMatcher (built on first use when the wrapped one is lazy)."""
        return getattr(self._inner, "matcher", self._inner)

    def match(self, title: str | None = None, text: str | None = None, summary: str | None = None) -> ProvinceResult:
        m = self.matcher
        vec, rule = features_of(m, m.evidence(title, text, summary))
        proba = self.model.predict_proba(np.asarray([vec], dtype=np.float64))[0]
        relevance = self._classes[int(proba.argmax())]
        p = dict(zip(self._classes, (float(x) for x in proba), strict=True))
        score = banded(relevance, p.get("primary", 0.0), p.get("mention", 0.0))
        return ProvinceResult(relevance, score, rule.places)
