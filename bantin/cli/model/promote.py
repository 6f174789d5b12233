"""`bantin model promote|rollback|reclassify|freeze-eval`: changing which version of a model is live.
``freeze-eval`` fixes the evaluation set every later candidate is scored on; ``promote`` puts a candidate
live through the registry's gate (frozen-set macro-F1 no more than one point below the current version,
or ``--force`` with a reason, audited); ``rollback`` returns to the previously promoted version. When the
topic model or the learned relevance decision changes, stored articles are re-classified (``reclassify`` does
that on its own, idempotently).
Mounted by :mod:`bantin.cli.model`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bantin.cli.common import (
    DataOpt,
    ProgressOpt,
    current_actor,
    err,
    expected_errors,
    open_cli_app,
    out,
    progress_bar,
    record_audit,
)


def _reclassify(app_: Any, enabled: bool, progress: bool) -> None:
    from sqlalchemy import func, select

    from bantin.classify.service import build_classifier, reclassify_stored
    from bantin.store.schema import Article

    if not enabled:
        err.print("Bỏ qua phân loại lại (not re-classifying; run `bantin model reclassify`).")
        return
    with app_.sessions() as s:
        clf = build_classifier(s, app_.settings.models_dir, app_.settings.province)
        total = s.scalar(select(func.count()).select_from(Article))
    done = 0
    with progress_bar("Phân loại lại (re-classifying)", total, progress) as update:
        def advance(n: int) -> None:
            nonlocal done
            done += n
            update(done)

        n = reclassify_stored(app_.sessions, clf, on_batch=advance)
    err.print(f"Đã phân loại lại (re-classified) {n} bài với (with) {clf.topic_origin}, "
              f"relevance: {clf.relevance_origin}.")


def promote_cmd(
    name: str,
    version: Annotated[int | None, typer.Option("--version", help="default: the newest version")] = None,
    force: Annotated[bool, typer.Option("--force", help="bypass the gate (needs --reason; audited)")] = False,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    reclassify: Annotated[bool, typer.Option("--reclassify/--no-reclassify")] = True,
    progress: ProgressOpt = True,
) -> None:
    """Đưa một phiên bản vào dùng (promote; gate: frozen-set macro-F1 ≥ current − 1 point)."""
    from bantin.classify.registry.promote import promote
    from bantin.classify.service import STORED_MODEL_NAMES

    app_ = open_cli_app()
    with expected_errors(), app_.sessions() as s:
        p = promote(s, app_.settings.models_dir, name, version, actor=current_actor(), force=force, reason=reason)
        s.commit()
    scores = (f" (frozen-set macro-F1 {p.new_score:.2f} vs {p.current_score:.2f})"
              if p.new_score is not None and p.current_score is not None else "")
    prev = f", replacing v{p.previous.version}" if p.previous else ""
    out.print(f"Promoted {name} v{p.version.version}{prev}{scores}" + (" [bold red]FORCED[/]" if p.forced else ""))
    if name in STORED_MODEL_NAMES:
        with expected_errors():
            _reclassify(app_, reclassify, progress)


def rollback_cmd(
    name: str,
    reclassify: Annotated[bool, typer.Option("--reclassify/--no-reclassify")] = True,
    progress: ProgressOpt = True,
) -> None:
    """Quay lại phiên bản trước (back to the previously promoted version; audited)."""
    from bantin.classify.registry.promote import rollback
    from bantin.classify.service import STORED_MODEL_NAMES

    app_ = open_cli_app()
    with expected_errors(), app_.sessions() as s:
        restored, undone = rollback(s, name, actor=current_actor())
        s.commit()
    out.print(f"Rolled back {name}: v{undone.version} → v{restored.version}")
    if name in STORED_MODEL_NAMES:
        with expected_errors():
            _reclassify(app_, reclassify, progress)


def reclassify_cmd(progress: ProgressOpt = True) -> None:
    """Phân loại lại bài đã lưu khi mô hình thay đổi (idempotent: only rows from another model/province)."""
    with expected_errors():
        _reclassify(open_cli_app(), True, progress)


def freeze_eval_cmd(
    name: str, data: DataOpt,
    replace: Annotated[bool, typer.Option("--replace", help="replace an existing frozen set")] = False,
) -> None:
    """Cố định tập đánh giá (freeze the evaluation set every later candidate of NAME is scored on)."""
    from bantin.classify.io import read_labelled
    from bantin.classify.registry.evalset import freeze_eval

    app_ = open_cli_app()
    actor = current_actor()
    with expected_errors(), app_.sessions() as s:
        rows = read_labelled(data)
        es, changed = freeze_eval(app_.settings.models_dir, name, rows, source=str(data), actor=actor,
                                  replace=replace)
        if changed:
            record_audit(s, "model.freeze_eval", name=name, sha256=es.sha256, rows=len(es.rows),
                         source=str(data))
            s.commit()
    state = "frozen" if changed else "already frozen (unchanged)"
    out.print(f"{name}: evaluation set {state}: {len(es.rows)} rows, sha256 {es.sha256[:16]}…", highlight=False)
