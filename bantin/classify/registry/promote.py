"""Promotion and rollback of model versions, each audited. The gate: a version is promoted only if its
macro-F1 on the name's frozen evaluation set is at least the current promoted version's minus
:data:`GATE_TOLERANCE` (both scored on the same rows), unless forced with a reason; with no frozen set to
compare on, only a forced promotion replaces a promoted version. At most one version per name is promoted
(the name's rows are locked while deciding); the one it replaces is retired and is what ``rollback``
restores, marking the undone version ``rolled_back``. The first version of a name passes the gate at once
(:func:`promote_first`: there is nothing to compare it with), so a new name is usable as soon as it is trained.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.app import audit
from bantin.classify.registry.evalset import frozen_eval, frozen_score
from bantin.classify.registry.store import PROMOTED, RETIRED, ROLLED_BACK, RegistryError
from bantin.store.schema import ModelVersion
from bantin.store.types import utcnow

# The gate "macro-F1 at least the current one's minus 0.01": evaluate() reports F1 in %, so 1.0 point.
GATE_TOLERANCE = 1.0


class GateRefused(RegistryError):
    """The promotion gate refused a version (worse on the frozen evaluation set, or no set to compare on).

    The scores are kept (None when there is no frozen set) so that a page can say it in its own language.
    """

    def __init__(self, message: str, *, name: str, version: int, current_version: int,
                 new_score: float | None = None, current_score: float | None = None) -> None:
        super().__init__(message)
        self.name, self.version, self.current_version = name, version, current_version
        self.new_score, self.current_score = new_score, current_score


@dataclass
class Promotion:
    version: ModelVersion
    previous: ModelVersion | None
    new_score: float | None
    current_score: float | None
    forced: bool


def promote(
    session: Session, models_dir: Path, name: str, version: int | None = None, *, actor: str,
    force: bool = False, reason: str | None = None, first: bool = False,
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
                              f"v{current.version}: run `bantin model freeze-eval {name} --data FILE`, or --force",
                              name=name, version=target.version, current_version=current.version)
        if eval_set is not None:
            new_score, cur_score = frozen_score(models_dir, target, eval_set), frozen_score(models_dir, current, eval_set)
            if new_score < cur_score - GATE_TOLERANCE and not force:
                raise GateRefused(f"{name} v{target.version} macro-F1 {new_score:.2f} on the frozen set is below "
                                  f"v{current.version}'s {cur_score:.2f} - {GATE_TOLERANCE}; refused (or --force)",
                                  name=name, version=target.version, current_version=current.version,
                                  new_score=new_score, current_score=cur_score)
        current.status = RETIRED
    session.flush()
    target.status, target.promoted_at, target.promoted_by = PROMOTED, utcnow(), actor
    target.forced, target.notes = force, (reason if force else target.notes)
    extra: dict[str, Any] = {"first_version": True} if first else {}
    audit.record(session, actor, "model.promote", name=name, version=target.version, forced=force, reason=reason,
                 previous=current.version if current else None, new_macro_f1=new_score, previous_macro_f1=cur_score,
                 **extra)
    return Promotion(target, current, new_score, cur_score, force)


def promote_first(session: Session, models_dir: Path, name: str, version: int, *, actor: str) -> Promotion | None:
    """Promote ``version`` when it is the only version ``name`` has (its first): the gate has nothing to compare it
    with, so it passes; audited as every promotion (``first_version: true``). None when ``name`` has other versions.
    The caller commits."""
    rows = list(session.scalars(select(ModelVersion).where(ModelVersion.name == name)))
    if [r.version for r in rows] != [version]:
        return None
    return promote(session, models_dir, name, version, actor=actor, first=True)


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
