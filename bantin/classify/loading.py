"""Which models classify: the registry names, the topic model shipped with bantin, the province matcher built on
its first row, and :func:`build_classifier`, which loads the promoted versions as their light predictors.

Topics come from the promoted version of :data:`TOPIC_MODEL_NAME` in the registry; without one, from the
default model shipped in ``bantin/classify/topics/default_model/``; without that, ``topics`` is empty (and the
caller is told). ``--model NAME`` adds that model's promoted version's ``label`` and ``scores`` (``NAME@VERSION``:
that version, e.g. a candidate). Province relevance is decided by the matcher's rules, or, while a version of
:data:`RELEVANCE_MODEL_NAME` is promoted (or ``--model`` names a relevance version), by that learned decision
over the same evidence (:mod:`bantin.classify.relevance.learned_decision`). What an output does not need is not
built: the province matcher (its gazetteer) is made on the first row that needs it, so ``bantin model uncertain``
(topics only) never builds it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bantin.classify.classifier import Classifier, widened
from bantin.classify.registry.store import load, load_verified, metrics_of, promoted

# The registry name of the topic model (its labels are taxonomy keys; analysts' topic labels train it).
TOPIC_MODEL_NAME = "topics"
# The registry name whose promoted version makes the province decision (a `--kind relevance` model); without
# one, the matcher's rules decide.
RELEVANCE_MODEL_NAME = "relevance"
# The names whose promoted version decides what stored classifications say: promoting or rolling back either
# re-classifies the archive.
STORED_MODEL_NAMES = (TOPIC_MODEL_NAME, RELEVANCE_MODEL_NAME)
# Where the topic model shipped with bantin lives (used while no `topics` version is promoted).
DEFAULT_MODEL_DIR = Path(__file__).parent / "topics" / "default_model"


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
