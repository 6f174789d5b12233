"""The :class:`Classifier` (one batch of rows → topics, the extra model's label, province relevance, language)
and how model outputs become the scores it writes: rounded calibrated probabilities, float16 coefficients
widened once (:func:`widened`). Which models a classifier holds is :mod:`bantin.classify.loading`'s business;
streaming files and stored articles through it is :mod:`bantin.classify.service`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bantin.classify.io import row_text
from bantin.classify.registry.store import LoadedModel
from bantin.text.language import LANGUAGES

# Scores are written with this many decimals: calibrated probabilities carry no more information.
SCORE_DECIMALS = 4


@dataclass
class Classifier:
    """Everything needed to classify: province matcher, topic model (maybe none), optional extra model."""

    province: str
    matcher: Any
    topic_model: Any | None
    topic_version_id: int | None
    topic_origin: str  # "topics v3" | "default" | "none"
    extra: LoadedModel | None = None
    _detect: Callable[[str], str] = field(default=lambda t: "other", repr=False)
    relevance_origin: str = "rules"  # "rules" | "relevance v2": what decides primary / mention / none
    relevance_version_id: int | None = None  # the registry id of that decision; None: the rules

    def classify(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One result per row (rows must have text): label/scores, topics, province, language."""
        texts = [row_text(r) or "" for r in rows]
        topics = topic_scores(self.topic_model, texts) if self.topic_model is not None else [{} for _ in texts]
        extra = label_scores(self.extra.model, texts) if self.extra is not None else None
        # the article's stored answer of the same detector: never a second opinion
        unknown = [i for i, row in enumerate(rows) if row.get("language") not in LANGUAGES]
        detected = iter(self._languages([texts[i] for i in unknown]))
        places = self._places(rows)
        results = []
        for i, row in enumerate(rows):
            res: dict[str, Any] = {}
            if extra is not None:
                res["label"], res["scores"] = extra[i]
            res["topics"] = topics[i]
            res["province"] = places[i].to_dict()
            stored = row.get("language")
            res["language"] = stored if stored in LANGUAGES else next(detected)
            results.append(res)
        return results

    def _places(self, rows: list[dict[str, Any]]) -> list[Any]:
        """The matcher's result per row; batched when it can (ProvinceMatcher.match_many: the same results)."""
        fields = [(_s(r.get("title")), _s(r.get("text")), _s(r.get("summary"))) for r in rows]
        many = getattr(self.matcher, "match_many", None)
        if many is not None:
            return list(many(fields))
        return [self.matcher.match(title=t, text=x, summary=su) for t, x, su in fields]

    def _languages(self, texts: list[str]) -> list[str]:
        """``self._detect`` of each text; bantin's detector runs batched (the same answers, ~10x less CPU)."""
        from bantin.text.language import detect_language

        if self._detect is detect_language and texts:
            from bantin.text.language_batch import detect_languages

            return detect_languages(texts)
        return [self._detect(t) for t in texts]


def widened(model: Any) -> Any:
    """``model`` with float16 coefficients held as float32: every batch's ``decision_function`` converts them to
    float32 (3.5 M values for the topic model, 13 ms per batch of 256 rows); converting once gives the very same
    float32 values (float16 → float32 is exact), so every score is unchanged. Costs ~2x their memory (~14 MB).
    Held in Fortran order, so that ``coef_.T`` (what ``decision_function`` multiplies by) is C-contiguous: scipy's
    sparse product ravels its dense operand in C order, a second 14 MB copy per batch otherwise (same sums)."""
    import numpy as np

    coef = getattr(model, "coef_", None)
    if isinstance(coef, np.ndarray) and coef.dtype == np.float16:
        model.coef_ = np.asfortranarray(coef, dtype=np.float32)
    return model


def _s(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {str(k): round(float(v), SCORE_DECIMALS) for k, v in scores.items()}


def _rounded_rows(classes: Any, proba: Any) -> list[dict[str, float]]:
    """:func:`_rounded` of each row's class → probability, the keys made once and the rows converted by numpy's
    ``tolist`` (the very floats ``float(v)`` gives, float32 or float64): the same dicts, ~2x faster."""
    keys = [str(c) for c in classes]
    return [{k: round(v, SCORE_DECIMALS) for k, v in zip(keys, row, strict=True)} for row in proba.tolist()]


def topic_scores(model: Any, texts: list[str]) -> list[dict[str, float]]:
    """Topic key → calibrated score per text, for a TopicModel (``predict`` → dicts) or a plain classifier."""
    if not texts:
        return []
    if hasattr(model, "predict_proba") and hasattr(model, "classes_"):
        return _rounded_rows(model.classes_, model.predict_proba(texts))
    return [_rounded(d) for d in model.predict(texts)]


def label_scores(model: Any, texts: list[str]) -> list[tuple[str, dict[str, float]]]:
    """(label, class → probability) per text for a registered single-label classifier."""
    if not texts:
        return []
    proba = model.predict_proba(texts)
    classes = [str(c) for c in model.classes_]
    best = proba.argmax(axis=1).tolist()
    return [(classes[b], scores) for b, scores in zip(best, _rounded_rows(classes, proba), strict=True)]
