"""Classifying rows and stored articles with the promoted models: topics, province relevance, language.

Topics come from the promoted version of :data:`TOPIC_MODEL_NAME` in the registry; without one, from the
default model shipped in ``bantin/classify/topics/default_model/``; without that, ``topics`` is empty (and the
caller is told). ``--model NAME`` adds that model's promoted version's ``label`` and ``scores`` (``NAME@VERSION``:
that version, e.g. a candidate). Province relevance is decided by the matcher's rules, or, while a version of
:data:`RELEVANCE_MODEL_NAME` is promoted (or ``--model`` names a relevance version), by that learned decision
over the same evidence (:mod:`bantin.classify.relevance.learned_decision`). What an output does not need is not built: the province matcher (its gazetteer)
is made on the first row that needs it, so ``bantin model uncertain`` (topics only) never builds it.
Stored articles keep one row each in ``classifications`` (keyed by article id, with the topic model's and the
relevance decision's version ids, NULL for the default model and the rules): :func:`reclassify_stored` redoes
exactly the rows whose topic model, relevance decision or province differs, so promoting or rolling back either
model re-classifies the archive, and a re-run after it finished does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bantin.classify.io import JsonlReader, Line, row_text
from bantin.classify.registry.store import LoadedModel, load, load_verified, metrics_of, promoted
from bantin.store.db import dialect_insert
from bantin.store.schema import Article, Classification
from bantin.store.types import utcnow
from bantin.text.language import LANGUAGES

# The registry name of the topic model (its labels are taxonomy keys; analysts' topic labels train it).
TOPIC_MODEL_NAME = "topics"
# The registry name whose promoted version makes the province decision (a `--kind relevance` model); without
# one, the matcher's rules decide.
RELEVANCE_MODEL_NAME = "relevance"
# The names whose promoted version decides what stored classifications say: promoting or rolling back either
# re-classifies the archive.
STORED_MODEL_NAMES = (TOPIC_MODEL_NAME, RELEVANCE_MODEL_NAME)
# Rows classified together: vectorising a batch is ~10x faster than row by row, and bounds memory.
BATCH = 256
# Scores are written with this many decimals: calibrated probabilities carry no more information.
SCORE_DECIMALS = 4
NO_TEXT = "no text (needs `text`, or `title` and `summary`)"
# Where the topic model shipped with bantin lives (used while no `topics` version is promoted).
DEFAULT_MODEL_DIR = Path(__file__).parent / "topics" / "default_model"


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


def default_topic_model(directory: Path = DEFAULT_MODEL_DIR, classes: Mapping[str, type] | None = None) -> Any | None:
    """The topic model shipped with bantin (None when it is not there), checked like a registered artifact;
    ``classes`` as for ``registry.store.load_verified`` (the light predictors: no scikit-learn import).

    ``directory/manifest.json`` names the skops file with its sha256 and trusted types
    (``{"file": "topics.skops", "sha256": "...", "trusted_types": [...]}``); a mismatch raises ArtifactError.
    """
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    path = directory / Path(str(manifest["file"])).name  # the manifest's directory only: no traversal
    trusted = [str(t) for t in manifest.get("trusted_types", [])]
    return load_verified(path, manifest.get("sha256"), trusted, "shipped topic model", classes)


def language_detector() -> Callable[[str], str]:
    from bantin.text.language import detect_language

    return detect_language


class LazyMatcher:
    """A :class:`~bantin.classify.relevance.province.ProvinceMatcher` built on its first ``match``."""

    # The matcher's gazetteer: pre-2025 units and merged provinces included (ProvinceMatcher's defaults).
    INCLUDE_LEGACY = INCLUDE_MERGED = True

    def __init__(self, province: str) -> None:
        from bantin.classify.relevance import gazetteer_cache

        self.province = province
        self._cache = _cache_dir()
        if self._cache is None or not gazetteer_cache.is_cached(province, self.INCLUDE_LEGACY, self.INCLUDE_MERGED,
                                                                self._cache):
            from bantin.classify.relevance.gazetteer import resolve_province

            resolve_province(province)  # an unknown province is refused now, not at the first row
        # (a cached build was resolved when it was built: a second start spares vietnam_provinces' import)
        self._matcher: Any = None

    @property
    def matcher(self) -> Any:
        if self._matcher is None:
            from bantin.classify.relevance import gazetteer_cache
            from bantin.classify.relevance.province import ProvinceMatcher

            gazetteer_cache.use_directory(self._cache)  # a second start reads the built gazetteer from there
            self._matcher = ProvinceMatcher(self.province, self.INCLUDE_LEGACY, self.INCLUDE_MERGED)
        return self._matcher

    def match(self, title: str | None = None, text: str | None = None, summary: str | None = None) -> Any:
        return self.matcher.match(title=title, text=text, summary=summary)

    def match_many(self, rows: list[tuple[str | None, str | None, str | None]]) -> list[Any]:
        return list(self.matcher.match_many(rows))


def _cache_dir() -> Path | None:
    from bantin.app.settings import get_settings

    try:
        return get_settings().cache_dir
    except ValueError:  # settings that do not validate: the command reports them; the gazetteer is only slower
        return None


def build_classifier(
    session: Session, models_dir: Path, province: str, model_name: str | None = None,
    model_version: int | None = None,
) -> Classifier:
    """The classifier of the promoted models, plus ``model_name`` (its promoted version, or ``model_version``);
    raises RegistryError/ArtifactError when that model cannot load. Our classifiers are built as their light
    predictors (:mod:`bantin.classify.topics.scorers`: the same scores, and no scikit-learn import)."""
    from bantin.classify.topics.scorers import LIGHT_CLASSES as light

    extra = load(session, models_dir, model_name, model_version, light) if model_name else None
    decision = None
    if extra is not None and is_relevance(extra.version):  # --model NAME[@V] of a relevance model: it decides
        decision, extra = extra, None
    elif (rel := promoted(session, RELEVANCE_MODEL_NAME)) is not None and is_relevance(rel):
        decision = load(session, models_dir, RELEVANCE_MODEL_NAME)
    if extra is not None:
        extra.model = widened(extra.model)
    topic_mv = promoted(session, TOPIC_MODEL_NAME)
    if topic_mv is not None:
        loaded = load(session, models_dir, TOPIC_MODEL_NAME, topic_mv.version, light)
        topic_model, version_id, origin = loaded.model, topic_mv.id, f"{TOPIC_MODEL_NAME} v{topic_mv.version}"
    else:
        topic_model, version_id = default_topic_model(classes=light), None
        origin = "default" if topic_model is not None else "none"
    topic_model = widened(topic_model) if topic_model is not None else None
    matcher: Any = LazyMatcher(province)
    rel_origin, rel_version_id = "rules", None
    if decision is not None:
        from bantin.classify.relevance.learned_decision import LearnedMatcher

        rel_origin, rel_version_id = f"{decision.version.name} v{decision.version.version}", decision.version.id
        matcher = LearnedMatcher(matcher, decision.model, rel_origin)
    return Classifier(province, matcher, topic_model, version_id, origin, extra, language_detector(), rel_origin,
                      rel_version_id)


def is_relevance(mv: Any) -> bool:
    """A registered version of the learned relevance decision (``bantin model train --kind relevance``)?"""
    return bool(metrics_of(mv).get("kind") == "relevance")


def _batches(lines: Iterable[Line], size: int) -> Iterator[list[Line]]:
    batch: list[Line] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def classify_lines(clf: Classifier, batch: list[Line]) -> list[dict[str, Any]]:
    """Output rows for a batch of input lines, in order; bad rows get ``error`` instead of results."""
    out: list[dict[str, Any]] = []
    good: list[tuple[int, dict[str, Any]]] = []
    for line in batch:
        head: dict[str, Any] = {k: line.row[k] for k in ("id", "url") if line.row and k in line.row}
        if line.error or line.row is None:
            head.update(line=line.number, error=line.error)
        elif row_text(line.row) is None:
            head.update(line=line.number, error=NO_TEXT)
        else:
            good.append((len(out), line.row))
        out.append(head)
    for (i, _row), res in zip(good, clf.classify([r for _, r in good]), strict=True):
        out[i].update(res)
    return out


def classify_file(
    clf: Classifier, reader: JsonlReader, out: IO[str], on_batch: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> tuple[int, int]:
    """Stream ``reader`` to ``out`` (JSONL, one row per input row, in order); returns (rows, errors)."""
    rows = errors = 0
    for batch in _batches(reader, batch_size):
        for result in classify_lines(clf, batch):
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            errors += "error" in result
        rows += len(batch)
        if on_batch:
            on_batch(len(batch))
    return rows, errors


def reclassify_stored(
    sessions: sessionmaker[Session], clf: Classifier, on_batch: Callable[[int], None] | None = None,
    batch_size: int = BATCH, on_written: Callable[[Session, list[int]], None] | None = None,
) -> int:
    """(Re)classify stored articles whose classification is missing or from another model/province.

    Idempotent: each batch is upserted and committed in one transaction, so an interrupted run resumes
    where it stopped and a finished one finds nothing to do. ``on_written(session, article_ids)`` runs in
    that same transaction (the queue admits stories there: the effect and its record commit together).
    Returns how many articles were (re)classified.
    """
    done, last = 0, 0
    while True:
        with sessions() as s:
            q = (select(Article.id, Article.title, Article.text, Article.summary, Article.language)
                 .outerjoin(Classification, Classification.article_id == Article.id)
                 .where(Article.id > last)
                 .where((Classification.article_id.is_(None))
                        | Classification.model_version_id.is_distinct_from(clf.topic_version_id)
                        | Classification.relevance_version_id.is_distinct_from(clf.relevance_version_id)
                        | (Classification.province != clf.province))
                 .order_by(Article.id).limit(batch_size))
            page = s.execute(q).all()
            if not page:
                return done
            rows = [{"title": r.title, "text": r.text, "summary": r.summary, "language": r.language} for r in page]
            results = clf.classify(rows)
            upsert_classifications(s, [_record(r.id, res, clf) for r, res in zip(page, results, strict=True)])
            if on_written is not None:
                on_written(s, [r.id for r in page])
            s.commit()
        done, last = done + len(page), page[-1].id
        if on_batch:
            on_batch(len(page))


def _record(article_id: int, res: dict[str, Any], clf: Classifier) -> dict[str, Any]:
    prov = res["province"]
    return {"article_id": article_id, "model_version_id": clf.topic_version_id,
            "relevance_version_id": clf.relevance_version_id,
            "topics": json.dumps(res["topics"], ensure_ascii=False), "top_topic": top_topic(res["topics"]),
            "relevance": prov["relevance"],
            "relevance_score": float(prov["score"]), "province": clf.province,
            "places": json.dumps(prov["places"], ensure_ascii=False), "language": res["language"],
            "classified_at": utcnow()}


def top_topic(scores: dict[str, float]) -> str | None:
    """The best-scoring topic key (ties: the first in key order), None without scores."""
    return max(sorted(scores), key=lambda k: scores[k]) if scores else None


def upsert_classifications(session: Session, records: list[dict[str, Any]]) -> None:
    """Insert or replace classifications by article id (both dialects: INSERT ... ON CONFLICT DO UPDATE)."""
    if not records:
        return
    stmt = dialect_insert(session, Classification).values(records)
    cols = [k for k in records[0] if k != "article_id"]
    session.execute(stmt.on_conflict_do_update(
        index_elements=[Classification.article_id], set_={c: stmt.excluded[c] for c in cols}))
