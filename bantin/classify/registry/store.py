"""Storage and verification of model versions: every version of a model name is a ``ModelVersion`` row
(status, metrics, training-data hash, artifact sha256) plus a skops artifact at
``settings.models_dir/<name>/<version>.skops``. Saving computes the types skops would have to trust and
accepts only our own classifier classes (:data:`TRUSTED_TYPE_PREFIXES`); the list is stored with the version
(``metrics["artifact"]["trusted_types"]``). Loading reads the bytes once, refuses them unless their sha256
is the registered one and their types are exactly the registered, allowed ones, and only then builds the
object: with :mod:`.skopsread` (a strict reader of the skops nodes our models use, which spares the start-up
skops' own import) or, for anything that reader does not know, ``skops.io.loads(data, trusted=<that list>)`` —
never ``trusted=True``. Nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bantin.classify.registry import skopsread
from bantin.store.schema import ModelVersion

# A model name becomes a directory name: lower-case letters, digits, "_", "-", "." only; no traversal.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# Types skops may be told to trust: our own estimators (numpy/scipy/sklearn types are trusted by skops itself).
TRUSTED_TYPE_PREFIXES = ("bantin.classify.",)
# Refuse to read an artifact larger than this (the VNTC model is ~6 MB; a topic model a few times that).
MAX_ARTIFACT_BYTES = 1024 * 1024 * 1024
# Version statuses: one promoted per name at most; "retired" ones were promoted once (rollback targets).
CANDIDATE, PROMOTED, RETIRED, ROLLED_BACK = "candidate", "promoted", "retired", "rolled_back"
# Concurrent trainers of one name race for the next version number; a few retries always settle it.
REGISTER_ATTEMPTS = 5


# How artifacts were loaded in this process: "fast" (registry.skopsread) or "skops" (anything it does not know).
load_stats: Counter[str] = Counter()


class RegistryError(Exception):
    """A registry operation cannot be done (unknown model/version, nothing to roll back to, ...)."""


class ArtifactError(RegistryError):
    """An artifact is refused: missing, tampered with (sha256), or needing types we do not trust."""


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
    write_atomic(path, data)  # a re-run after a failed commit overwrites its own orphan; readers never see halves
    return mv


def load_verified(path: Path, sha256: str | None, trusted: list[str], where: str,
                  classes: Mapping[str, type] | None = None) -> Any:
    """``skops.io.loads`` of the file at ``path``, only when its sha256 is ``sha256`` and the types it needs are
    among ``trusted``, all of them allowed (ArtifactError otherwise). Registered versions and the shipped
    default model are both loaded through here. ``classes``: light classes to build in place of trusted types
    (``topics.scorers.LIGHT_CLASSES``, for predicting); the skops fallback always builds the saved classes."""
    if not path.is_file():
        raise ArtifactError(f"{where}: artifact {path} is missing")
    if path.stat().st_size > MAX_ARTIFACT_BYTES:
        raise ArtifactError(f"{where}: artifact {path} is larger than {MAX_ARTIFACT_BYTES} bytes; refused")
    data = path.read_bytes()
    if sha256_bytes(data) != sha256:
        raise ArtifactError(
            f"{where}: sha256 of {path} is {sha256_bytes(data)[:16]}…, registered {str(sha256)[:16]}…: "
            "the file was changed or replaced; refused to load"
        )
    _check_types(trusted, where)
    try:  # our own models, without importing skops (see skopsread: the same objects, built the same way)
        model = skopsread.loads(data, trusted, classes)
        load_stats["fast"] += 1
        return model
    except skopsread.Unsupported:
        load_stats["skops"] += 1
    import skops.io as sio

    needed = sorted(sio.get_untrusted_types(data=data))
    if set(needed) - set(trusted):
        raise ArtifactError(f"{where}: needs types not registered as trusted: {sorted(set(needed) - set(trusted))}")
    return sio.loads(data, trusted=trusted)


def load_artifact(models_dir: Path, mv: ModelVersion, classes: Mapping[str, type] | None = None) -> Any:
    """The model of a registered version, after the sha256 and trusted-types checks (ArtifactError if refused)."""
    trusted = [str(t) for t in metrics_of(mv).get("artifact", {}).get("trusted_types", [])]
    return load_verified(artifact_file(models_dir, mv), mv.artifact_sha256, trusted, f"{mv.name} v{mv.version}",
                         classes)


def versions(session: Session, name: str | None = None) -> list[ModelVersion]:
    q = select(ModelVersion).order_by(ModelVersion.name, ModelVersion.version)
    return list(session.scalars(q.where(ModelVersion.name == name) if name else q))


def get_version(session: Session, name: str, version: int | None = None) -> ModelVersion:
    """``version`` of ``name``, or (None) its promoted version; RegistryError (one line saying which of the
    three is missing: the name, the version, a promoted version) when there is none."""
    rows = {mv.version: mv for mv in session.scalars(select(ModelVersion).where(ModelVersion.name == name))}
    if not rows:
        raise RegistryError(f"không có mô hình (no model) {name!r}; see `bantin model list`")
    if version is not None:
        if version not in rows:
            known = ", ".join(str(v) for v in sorted(rows))
            raise RegistryError(f"mô hình {name!r} không có phiên bản (has no version) {version}; versions: {known}")
        return rows[version]
    live = next((mv for mv in rows.values() if mv.status == PROMOTED), None)
    if live is None:
        newest = max(rows)
        raise RegistryError(f"mô hình {name!r} chưa có phiên bản được dùng (has no promoted version): "
                            f"`bantin model promote {name}`, or pick one with --model {name}@{newest}")
    return live


def parse_ref(ref: str) -> tuple[str, int | None]:
    """``NAME`` or ``NAME@VERSION`` (a positive integer) as (name, version or None); RegistryError otherwise."""
    name, sep, raw = ref.strip().partition("@")
    if not sep:
        return check_name(name), None
    if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
        raise RegistryError(f"--model {ref!r}: expected NAME or NAME@VERSION with VERSION a number ≥ 1")
    return check_name(name), int(raw)


def promoted(session: Session, name: str) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.name == name, ModelVersion.status == PROMOTED))


@dataclass
class LoadedModel:
    version: ModelVersion
    model: Any


def load(session: Session, models_dir: Path, name: str, version: int | None = None,
         classes: Mapping[str, type] | None = None) -> LoadedModel:
    mv = get_version(session, name, version)
    return LoadedModel(mv, load_artifact(models_dir, mv, classes))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename: readers never see half a file."""
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
