"""Model registry: every version with its metrics, training-data hash and sha256-verified skops artifact.

Artifacts live at ``settings.models_dir/<name>/<version>.skops``. Saving computes the types skops would
have to trust and accepts only our own classifier classes (:data:`TRUSTED_TYPE_PREFIXES`); the list is stored
with the version (``metrics["artifact"]["trusted_types"]``). Loading reads the bytes once, refuses them unless
their sha256 is the registered one and their types are exactly the registered, allowed ones, and only then
calls ``skops.io.loads(data, trusted=<that list>)`` — never ``trusted=True``. Nothing is ever unpickled.

The frozen evaluation set of a model name (``bantin model freeze-eval NAME --data FILE``) is a copy of the
file's rows in canonical order at ``models_dir/<name>/eval-<sha16>.jsonl`` plus a manifest ``eval.json``
holding the rows' sha256 (:func:`bantin.classify.io.rows_sha256`); every use re-hashes the copy and refuses it
if it changed. Every candidate is scored on exactly those rows, and the score is kept in its metrics together
with the set's sha256, so the promotion gate always compares two scores on the same rows.

Promotion gate: a version is promoted only if its frozen-set macro-F1 is at least the current one's minus
:data:`GATE_TOLERANCE`, unless forced with a reason; every promotion and rollback is audited.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bantin import audit
from bantin.classify.io import DataFileError, read_labelled, rows_sha256
from bantin.models.schema import ModelVersion
from bantin.models.types import utcnow

# A model name becomes a directory name: lower-case letters, digits, "_", "-", "." only; no traversal.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# Types skops may be told to trust: our own estimators (numpy/scipy/sklearn types are trusted by skops itself).
TRUSTED_TYPE_PREFIXES = ("bantin.classify.",)
# Refuse to read an artifact larger than this (the VNTC model is ~6 MB; a topic model a few times that).
MAX_ARTIFACT_BYTES = 1024 * 1024 * 1024
# Version statuses: one promoted per name at most; "retired" ones were promoted once (rollback targets).
CANDIDATE, PROMOTED, RETIRED, ROLLED_BACK = "candidate", "promoted", "retired", "rolled_back"
# The gate "macro-F1 at least the current one's minus 0.01": evaluate() reports F1 in %, so 1.0 point.
GATE_TOLERANCE = 1.0
EVAL_MANIFEST = "eval.json"
# Concurrent trainers of one name race for the next version number; a few retries always settle it.
REGISTER_ATTEMPTS = 5


class RegistryError(Exception):
    """A registry operation cannot be done (unknown model/version, nothing to roll back to, ...)."""


class ArtifactError(RegistryError):
    """An artifact is refused: missing, tampered with (sha256), or needing types we do not trust."""


class GateRefused(RegistryError):
    """The promotion gate refused a version (worse on the frozen evaluation set, or no set to compare on)."""


def check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise RegistryError(f"tên mô hình không hợp lệ (invalid model name) {name!r}: use a-z, 0-9, _ - . (max 64)")
    return name


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def metrics_of(mv: ModelVersion) -> dict[str, Any]:
    value = json.loads(mv.metrics or "{}")
    return value if isinstance(value, dict) else {}


def _check_types(types: list[str], path: str) -> None:
    bad = [t for t in types if not t.startswith(TRUSTED_TYPE_PREFIXES)]
    if bad:
        raise ArtifactError(f"{path}: types outside the allowed list {TRUSTED_TYPE_PREFIXES}: {bad}; refused")


def artifact_file(models_dir: Path, mv: ModelVersion) -> Path:
    root = models_dir.resolve()
    path = (root / mv.artifact_path).resolve()
    if root not in path.parents:
        raise ArtifactError(f"{mv.name} v{mv.version}: artifact path {mv.artifact_path!r} leaves {root}; refused")
    return path


def register(
    session: Session, models_dir: Path, name: str, model: Any, *, metrics: dict[str, Any], training_data_hash: str,
    created_by: str, notes: str | None = None,
) -> ModelVersion:
    """Save ``model`` as the next version of ``name`` (status candidate). The caller commits."""
    import skops.io as sio

    check_name(name)
    data = sio.dumps(model)
    trusted = sorted(sio.get_untrusted_types(data=data))
    _check_types(trusted, f"{name} (new)")
    artifact = {"format": "skops", "bytes": len(data), "trusted_types": trusted}
    for _attempt in range(REGISTER_ATTEMPTS):
        version = (session.scalar(select(func.max(ModelVersion.version)).where(ModelVersion.name == name)) or 0) + 1
        mv = ModelVersion(
            name=name, version=version, artifact_path=f"{name}/{version}.skops", artifact_sha256=sha256_bytes(data),
            training_data_hash=training_data_hash, status=CANDIDATE, created_by=created_by, forced=False,
            metrics=json.dumps({**metrics, "artifact": artifact}, ensure_ascii=False), notes=notes,
        )
        try:
            with session.begin_nested():  # the unique (name, version) claims the number before the file is written
                session.add(mv)
            break
        except IntegrityError:  # another trainer registered this number meanwhile (PostgreSQL): take the next
            continue
    else:
        raise RegistryError(f"{name}: could not claim a version number after {REGISTER_ATTEMPTS} attempts")
    path = artifact_file(models_dir, mv)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, data)  # a re-run after a failed commit overwrites its own orphan; readers never see halves
    return mv


def load_artifact(models_dir: Path, mv: ModelVersion) -> Any:
    """The model of a registered version, after the sha256 and trusted-types checks (ArtifactError if refused)."""
    import skops.io as sio

    where = f"{mv.name} v{mv.version}"
    path = artifact_file(models_dir, mv)
    if not path.is_file():
        raise ArtifactError(f"{where}: artifact {path} is missing")
    if path.stat().st_size > MAX_ARTIFACT_BYTES:
        raise ArtifactError(f"{where}: artifact {path} is larger than {MAX_ARTIFACT_BYTES} bytes; refused")
    data = path.read_bytes()
    if sha256_bytes(data) != mv.artifact_sha256:
        raise ArtifactError(
            f"{where}: sha256 of {path} is {sha256_bytes(data)[:16]}…, registered {mv.artifact_sha256[:16]}…: "
            "the file was changed or replaced; refused to load"
        )
    trusted = list(metrics_of(mv).get("artifact", {}).get("trusted_types", []))
    _check_types(trusted, where)
    needed = sorted(sio.get_untrusted_types(data=data))
    if set(needed) - set(trusted):
        raise ArtifactError(f"{where}: needs types not registered as trusted: {sorted(set(needed) - set(trusted))}")
    return sio.loads(data, trusted=trusted)


def versions(session: Session, name: str | None = None) -> list[ModelVersion]:
    q = select(ModelVersion).order_by(ModelVersion.name, ModelVersion.version)
    return list(session.scalars(q.where(ModelVersion.name == name) if name else q))


def get_version(session: Session, name: str, version: int | None = None) -> ModelVersion:
    """``version`` of ``name``, or (None) its promoted version; RegistryError when there is none."""
    q = select(ModelVersion).where(ModelVersion.name == name)
    q = q.where(ModelVersion.version == version) if version is not None else q.where(ModelVersion.status == PROMOTED)
    mv = session.scalar(q)
    if mv is None:
        what = f"version {version}" if version is not None else "promoted version"
        raise RegistryError(f"mô hình {name!r} không có phiên bản (model has no {what}); see `bantin model list`")
    return mv


def promoted(session: Session, name: str) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.name == name, ModelVersion.status == PROMOTED))


@dataclass
class LoadedModel:
    version: ModelVersion
    model: Any


def load(session: Session, models_dir: Path, name: str, version: int | None = None) -> LoadedModel:
    mv = get_version(session, name, version)
    return LoadedModel(mv, load_artifact(models_dir, mv))


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
    _write_atomic(rows_file, "".join(lines).encode("utf-8"))
    manifest = {"sha256": sha, "rows": len(rows), "file": rows_file.name, "source": source,
                "frozen_at": utcnow().isoformat(), "frozen_by": actor}
    _write_atomic(directory / EVAL_MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
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


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class _TopLabel:
    """A multi-label topic model seen as single-label (its best topic), so that evaluate() can score it."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def predict(self, texts: list[str]) -> Any:
        return self.model.classes_[self.model.predict_proba(texts).argmax(axis=1)]


def score(model: Any, rows: list[tuple[str, str]]) -> dict[str, Any]:
    """evaluate() on ``rows``; a multi-label topic model is scored by its best topic per text."""
    from bantin.classify.textmodel import TextClassifier, evaluate

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


@dataclass
class Promotion:
    version: ModelVersion
    previous: ModelVersion | None
    new_score: float | None
    current_score: float | None
    forced: bool


def promote(
    session: Session, models_dir: Path, name: str, version: int | None = None, *, actor: str,
    force: bool = False, reason: str | None = None,
) -> Promotion:
    """Promote ``version`` (default: the newest) of ``name`` through the gate. The caller commits."""
    if force and not (reason and reason.strip()):
        raise RegistryError("--force cần --reason (a forced promotion needs a reason; it is audited)")
    # Lock the name's rows (PostgreSQL; SQLite writers are serialised by BEGIN IMMEDIATE): one promoted at most.
    rows = list(session.scalars(select(ModelVersion).where(ModelVersion.name == name).with_for_update()))
    if not rows:
        raise RegistryError(f"không có mô hình (no model) {name!r}; see `bantin model list`")
    target = max(rows, key=lambda r: r.version) if version is None else next(
        (r for r in rows if r.version == version), None)
    if target is None:
        raise RegistryError(f"mô hình {name!r} không có phiên bản (has no version) {version}")
    current = next((r for r in rows if r.status == PROMOTED), None)
    if current is target:
        raise RegistryError(f"{name} v{target.version} đã được dùng (is already promoted)")
    new_score = cur_score = None
    if current is not None:
        eval_set = frozen_eval(models_dir, name)
        if eval_set is None and not force:
            raise GateRefused(f"{name} has no frozen evaluation set to compare v{target.version} with "
                              f"v{current.version}: run `bantin model freeze-eval {name} --data FILE`, or --force")
        if eval_set is not None:
            new_score, cur_score = frozen_score(models_dir, target, eval_set), frozen_score(models_dir, current, eval_set)
            if new_score < cur_score - GATE_TOLERANCE and not force:
                raise GateRefused(f"{name} v{target.version} macro-F1 {new_score:.2f} on the frozen set is below "
                                  f"v{current.version}'s {cur_score:.2f} - {GATE_TOLERANCE}; refused (or --force)")
        current.status = RETIRED
    session.flush()
    target.status, target.promoted_at, target.promoted_by = PROMOTED, utcnow(), actor
    target.forced, target.notes = force, (reason if force else target.notes)
    audit.record(session, actor, "model.promote", name=name, version=target.version, forced=force, reason=reason,
                 previous=current.version if current else None, new_macro_f1=new_score, previous_macro_f1=cur_score)
    return Promotion(target, current, new_score, cur_score, force)


def rollback(session: Session, name: str, *, actor: str) -> tuple[ModelVersion, ModelVersion]:
    """Back to the previously promoted version of ``name``: returns (restored, rolled back). The caller commits."""
    rows = list(session.scalars(select(ModelVersion).where(ModelVersion.name == name).with_for_update()))
    current = next((r for r in rows if r.status == PROMOTED), None)
    if current is None:
        raise RegistryError(f"{name!r} has no promoted version to roll back")
    earlier = [r for r in rows if r.status == RETIRED and r.promoted_at is not None]
    if not earlier:
        raise RegistryError(f"{name} v{current.version} is the only version ever promoted; nothing to roll back to")
    previous = max(earlier, key=lambda r: (r.promoted_at, r.version))
    current.status = ROLLED_BACK
    session.flush()
    previous.status, previous.promoted_at, previous.promoted_by = PROMOTED, utcnow(), actor
    audit.record(session, actor, "model.rollback", name=name, from_version=current.version, to_version=previous.version)
    return previous, current
