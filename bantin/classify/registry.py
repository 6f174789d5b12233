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

This module is the registry's public face; the code lives in :mod:`.registry_store` (storage and
verification), :mod:`.registry_eval` (frozen evaluation sets and scoring) and :mod:`.registry_promote`
(the gate, promotion and rollback).
"""

from __future__ import annotations

from bantin.classify.registry_eval import (
    EVAL_MANIFEST,
    EvalSet,
    freeze_eval,
    frozen_eval,
    frozen_score,
    score,
)
from bantin.classify.registry_promote import GATE_TOLERANCE, GateRefused, Promotion, promote, rollback
from bantin.classify.registry_store import (
    CANDIDATE,
    MAX_ARTIFACT_BYTES,
    NAME_RE,
    PROMOTED,
    REGISTER_ATTEMPTS,
    RETIRED,
    ROLLED_BACK,
    TRUSTED_TYPE_PREFIXES,
    ArtifactError,
    LoadedModel,
    RegistryError,
    artifact_file,
    check_name,
    get_version,
    load,
    load_artifact,
    metrics_of,
    promoted,
    register,
    sha256_bytes,
    versions,
)

__all__ = [
    "CANDIDATE", "EVAL_MANIFEST", "GATE_TOLERANCE", "MAX_ARTIFACT_BYTES", "NAME_RE", "PROMOTED", "REGISTER_ATTEMPTS",
    "RETIRED", "ROLLED_BACK", "TRUSTED_TYPE_PREFIXES", "ArtifactError", "EvalSet", "GateRefused", "LoadedModel",
    "Promotion", "RegistryError", "artifact_file", "check_name", "freeze_eval", "frozen_eval", "frozen_score",
    "get_version", "load", "load_artifact", "metrics_of", "promote", "promoted", "register", "rollback", "score",
    "sha256_bytes", "versions",
]
