"""The frozen evaluation set of a model name and scoring on it. ``bantin model freeze-eval NAME --data FILE``
stores a copy of the file's rows in canonical order at ``models_dir/<name>/eval-<sha16>.jsonl`` plus a
manifest ``eval.json`` holding the rows' sha256 (:func:`bantin.classify.io.rows_sha256`); every use re-hashes
the copy and refuses it if it changed. Every candidate is scored on exactly those rows, and the score is
kept in its metrics together with the set's sha256, so the promotion gate always compares two scores on
the same rows. A multi-label topic model is scored by its best topic per text; a model with ``score_rows`` (the
learned relevance decision, whose rows encode title, summary and province) scores its rows itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bantin.classify.io import DataFileError, read_labelled, rows_sha256
from bantin.classify.registry.store import (
    ArtifactError,
    RegistryError,
    check_name,
    load_artifact,
    metrics_of,
    write_atomic,
)
from bantin.store.schema import ModelVersion
from bantin.store.types import utcnow

# Manifest of the frozen set in models_dir/<name>/: its sha256, row count, rows file, source and who froze it.
EVAL_MANIFEST = "eval.json"


@dataclass
class EvalSet:
    name: str
    sha256: str
    rows: list[tuple[str, str]]
    manifest: dict[str, Any]


def freeze_eval(
    models_dir: Path, name: str, rows: list[tuple[str, str]], *, source: str, actor: str, replace: bool = False
) -> tuple[EvalSet, bool]:
    """Freeze ``rows`` as the evaluation set of ``name``; idempotent for the same rows. Returns (set, changed)."""
    from bantin.classify.io import canonical_rows

    check_name(name)
    sha = rows_sha256(rows)
    current = frozen_eval(models_dir, name)
    if current is not None and current.sha256 == sha:
        return current, False
    if current is not None and not replace:
        raise RegistryError(
            f"{name} already has a frozen evaluation set ({current.sha256[:16]}…, {len(current.rows)} rows); "
            "pass --replace to change it (earlier scores are then recomputed on the new set)"
        )
    directory = models_dir / name
    directory.mkdir(parents=True, exist_ok=True)
    rows_file = directory / f"eval-{sha[:16]}.jsonl"
    lines = (json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in canonical_rows(rows))
    write_atomic(rows_file, "".join(lines).encode("utf-8"))
    manifest = {"sha256": sha, "rows": len(rows), "file": rows_file.name, "source": source,
                "frozen_at": utcnow().isoformat(), "frozen_by": actor}
    write_atomic(directory / EVAL_MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    return EvalSet(name, sha, canonical_rows(rows), manifest), True


def frozen_eval(models_dir: Path, name: str) -> EvalSet | None:
    """The frozen evaluation set of ``name`` (None if never frozen); ArtifactError if its rows changed."""
    manifest_path = models_dir / check_name(name) / EVAL_MANIFEST
    if not manifest_path.is_file():
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    rows_path = manifest_path.parent / Path(manifest["file"]).name
    try:
        rows = read_labelled(rows_path)
    except DataFileError as exc:
        raise ArtifactError(f"{name}: frozen evaluation set unreadable: {exc}") from exc
    if rows_sha256(rows) != manifest["sha256"]:
        raise ArtifactError(f"{name}: frozen evaluation set {rows_path} changed since it was frozen; refused")
    return EvalSet(name, manifest["sha256"], rows, manifest)


class _TopLabel:
    """A multi-label topic model seen as single-label (its best topic), so that evaluate() can score it."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def predict(self, texts: list[str]) -> Any:
        return self.model.classes_[self.model.predict_proba(texts).argmax(axis=1)]


def score(model: Any, rows: list[tuple[str, str]]) -> dict[str, Any]:
    """evaluate() on ``rows``; a multi-label topic model is scored by its best topic per text."""
    from bantin.classify.topics.textmodel import TextClassifier, evaluate

    if hasattr(model, "score_rows"):  # a model that reads its own encoded rows (the learned relevance decision)
        return dict(model.score_rows(rows))
    scored: Any = model if isinstance(model, TextClassifier) else _TopLabel(model)
    return evaluate(scored, [t for t, _ in rows], [lab for _, lab in rows])


def frozen_score(models_dir: Path, mv: ModelVersion, eval_set: EvalSet) -> float:
    """Macro-F1 of ``mv`` on the frozen set: the stored one when scored on these very rows, else computed now."""
    metrics = metrics_of(mv)
    kept = metrics.get("frozen_eval") or {}
    if kept.get("sha256") == eval_set.sha256:
        return float(kept["macro_f1"])
    result = score(load_artifact(models_dir, mv), eval_set.rows)
    metrics["frozen_eval"] = {"sha256": eval_set.sha256, **{k: v for k, v in result.items() if k != "per_class"}}
    mv.metrics = json.dumps(metrics, ensure_ascii=False)
    return float(result["macro_f1"])
