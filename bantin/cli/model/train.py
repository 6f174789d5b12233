"""`bantin model train|evaluate|list` and `bantin classify`: building candidate versions and applying
models. ``train`` fits a TextClassifier (or the TopicModel for ``topics``) on a labelled JSONL, scores it on
a held-out split and the frozen evaluation set and registers it as a candidate; ``evaluate`` scores any
version on a file; ``list`` shows every registered version with its scores and status; ``classify``
writes topics, province relevance and language for each row of a JSONL. Mounted by
:mod:`bantin.cli.model`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bantin.cli.common import (
    DataOpt,
    JsonOpt,
    ProgressOpt,
    current_actor,
    err,
    expected_errors,
    fail,
    open_cli_app,
    out,
    progress_bar,
)

# What `--kind` may name: a text classifier (or the topic model) or the learned relevance decision.
KINDS = ("text", "relevance")


def _params(items: list[str], name: str) -> dict[str, Any]:
    from bantin.classify.service import TOPIC_MODEL_NAME

    if name == TOPIC_MODEL_NAME:
        from bantin.classify.topics.model import TopicModel

        known = TopicModel().get_params()
    else:
        from bantin.classify.topics.textmodel import TextClassifier

        known = TextClassifier().get_params()
    return parse_params(items, known)


def parse_params(items: list[str], known: dict[str, Any]) -> dict[str, Any]:
    """``--param KEY=VALUE`` items as keyword arguments (ints and floats cast); one-line error for unknown keys."""
    params: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or key not in known:
            fail(f"--param {item!r}: expected KEY=VALUE with KEY one of {', '.join(sorted(known))}")
        value: Any = raw
        for cast in (int, float):
            try:
                value = cast(raw)
                break
            except ValueError:
                continue
        params[key] = None if raw == "None" else value
    return params


def train_cmd(
    name: Annotated[str, typer.Option("--name", help="model name (`topics` is the topic model, `relevance` the "
                                      "province decision)")],
    data: Annotated[Path | None, typer.Option("--data", "--input", help="FILE.jsonl[.gz]: `text` and `label` rows; "
                                              "for --kind relevance `province`, `relevance` and the fields or `url`")] = None,
    kind: Annotated[str, typer.Option("--kind", help="text (a label per text) | relevance (primary/mention/none)")] = "text",
    eval_file: Annotated[Path | None, typer.Option(
        "--eval", help="relevance: FILE frozen as the name's evaluation set on first use (never trained on)")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="model parameter KEY=VALUE (TextClassifier, TopicModel for `topics`, RelevanceClassifier "
                        "for --kind relevance), repeatable")] = None,
    labels: Annotated[bool, typer.Option("--labels/--no-labels", help="add analysts' labels (topics, relevance)")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Huấn luyện một phiên bản mới (train a new candidate version; evaluated on a held-out split and the frozen set)."""
    from bantin.classify.active import train_and_register
    from bantin.classify.registry.promote import promote_first
    from bantin.classify.service import RELEVANCE_MODEL_NAME, TOPIC_MODEL_NAME

    if kind not in KINDS:
        fail(f"--kind {kind!r}: expected one of {', '.join(KINDS)}")
    reserved = {"relevance": TOPIC_MODEL_NAME, "text": RELEVANCE_MODEL_NAME}[kind]
    if name == reserved:
        fail(f"--name {name}: that name is the {'topic model' if name == TOPIC_MODEL_NAME else 'relevance decision'}"
             f"; train it with --kind {'text' if name == TOPIC_MODEL_NAME else 'relevance'}")
    app_ = open_cli_app()
    actor = current_actor()
    if kind == "relevance":
        from bantin.cli.model.relevance import relevance_params, train_relevance

        with expected_errors():
            summary = train_relevance(app_, name, data, eval_file, relevance_params(param or []),
                                      use_labels=labels, actor=actor)
        _report(summary, as_json)
        return
    if data is None:
        fail("--data FILE is needed to train a text model")
        return
    with expected_errors(), app_.sessions() as s:
        with err.status("Đang huấn luyện (training) ...") if err.is_terminal else _nullctx():
            summary = train_and_register(s, app_.settings.models_dir, data, name, _params(param or [], name),
                                         use_labels=labels, actor=actor, note=err.print)
        # A new name's first version is usable at once (the gate has nothing to compare it with; audited). Not
        # the topic model's: its first version competes with the shipped default and re-classifies the archive,
        # so it waits for `bantin model promote topics`.
        first = None if name == TOPIC_MODEL_NAME else promote_first(
            s, app_.settings.models_dir, name, summary["version"], actor=actor)
        s.commit()
    summary["status"] = "promoted" if first else "candidate"
    _report(summary, as_json)


def _report(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    _print_summary(summary)
    name = summary["name"]
    if summary["status"] == "promoted":
        use = ("decides province relevance in `bantin classify`" if summary["metrics"].get("kind") == "relevance"
               else f"`bantin classify --model {name}` uses it")
        out.print(f"{name} v{summary['version']}: phiên bản đầu tiên, được dùng ngay (first version of the name: "
                  f"promoted, nothing to compare it with); {use}.", highlight=False)


@contextmanager
def _nullctx() -> Iterator[None]:
    yield


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title=f"{summary['name']} v{summary['version']} ({summary.get('status', 'candidate')})")
    table.add_column("")
    table.add_column("rows", justify="right")
    table.add_column("accuracy %", justify="right")
    table.add_column("macro-F1 %", justify="right")
    table.add_column("docs/s", justify="right")
    relevance = summary["metrics"].get("kind") == "relevance"
    if relevance:
        table.add_column("primary F1 (rules)", justify="right")
    for key, title in (("holdout", "held-out split"), ("frozen_eval", "frozen eval set")):
        m = summary["metrics"].get(key)
        if m:
            goal = [f"{m['primary_f1']:.3f} ({m['rules']['primary_f1']:.3f})"] if relevance else []
            table.add_row(title, str(m["n"]), f"{m['accuracy']:.2f}", f"{m['macro_f1']:.2f}", str(m["docs_per_s"]),
                          *goal)
    out.print(table)
    tr = summary["metrics"]["train"]
    out.print(f"train rows {tr['rows']} ({tr['db_labels']} from analysts' labels, {tr['dropped_eval_overlap']} "
              f"dropped as in the frozen set), classes {len(tr['classes'])}, data sha256 {summary['data_sha256'][:16]}…, "
              f"{tr['seconds']:.1f} s", highlight=False)


def evaluate_cmd(
    data: DataOpt,
    model: Annotated[str, typer.Option("--model", help="model name")],
    version: Annotated[int | None, typer.Option("--version", help="default: the promoted version")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Đánh giá một phiên bản (accuracy, macro-F1, per-class P/R/F1, docs/s on FILE)."""
    from bantin.classify.io import read_labelled, rows_sha256
    from bantin.classify.registry.evalset import score
    from bantin.classify.registry.store import load

    app_ = open_cli_app()
    with expected_errors(), app_.sessions() as s:
        rows = read_labelled(data)
        loaded = load(s, app_.settings.models_dir, model, version)
        result = {"model": model, "version": loaded.version.version, "data": str(data),
                  "data_sha256": rows_sha256(rows), **score(loaded.model, rows)}
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{model} v{result['version']} on {data.name}: accuracy {result['accuracy']:.2f} %, "
                        f"macro-F1 {result['macro_f1']:.2f} %, {result['docs_per_s']} docs/s")
    for col in ("class", "precision %", "recall %", "F1 %", "support"):
        table.add_column(col, justify="left" if col == "class" else "right")
    for cls, m in result["per_class"].items():
        table.add_row(cls, f"{m['precision']:.2f}", f"{m['recall']:.2f}", f"{m['f1']:.2f}", str(m["support"]))
    out.print(table)


def _version_row(mv: Any) -> dict[str, Any]:
    from bantin.classify.registry.store import metrics_of

    m = metrics_of(mv)
    f1 = {k: (m.get(k) or {}).get("macro_f1") for k in ("holdout", "frozen_eval")}
    return {"name": mv.name, "version": mv.version, "status": mv.status, "holdout_macro_f1": f1["holdout"],
            "frozen_eval_macro_f1": f1["frozen_eval"], "train_rows": (m.get("train") or {}).get("rows"),
            "training_data_hash": mv.training_data_hash, "artifact_sha256": mv.artifact_sha256,
            "created_at": mv.created_at.isoformat(), "created_by": mv.created_by,
            "promoted_at": mv.promoted_at.isoformat() if mv.promoted_at else None, "promoted_by": mv.promoted_by,
            "forced": mv.forced}


def list_cmd(
    name: Annotated[str | None, typer.Argument(help="only this model")] = None, as_json: JsonOpt = False
) -> None:
    """Liệt kê các phiên bản mô hình (every registered version with its scores and status)."""
    from bantin.classify.registry.store import versions

    app_ = open_cli_app()
    with app_.sessions() as s:
        rows = [_version_row(mv) for mv in versions(s, name)]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Mô hình (models): {len(rows)} versions")
    for col in ("name", "v", "status", "held-out F1", "frozen F1", "rows", "created", "by", "sha256"):
        table.add_column(col)
    colour = {"promoted": "bold green", "candidate": "yellow", "retired": "dim", "rolled_back": "red"}

    def f1(v: float | None) -> str:
        return f"{v:.2f}" if v is not None else "—"

    for r in rows:
        table.add_row(r["name"], str(r["version"]), f"[{colour.get(r['status'], 'white')}]{r['status']}[/]"
                      + (" (forced)" if r["forced"] else ""), f1(r["holdout_macro_f1"]), f1(r["frozen_eval_macro_f1"]),
                      str(r["train_rows"] or "—"), r["created_at"][:16], r["created_by"], r["artifact_sha256"][:12])
    out.print(table)


def classify_cmd(
    input: Annotated[Path, typer.Option("--input", help="FILE.jsonl[.gz]: `text`, or `title` and `summary`")],
    output: Annotated[Path, typer.Option("--output", help="OUT.jsonl (`-` for stdout)")],
    model: Annotated[str | None, typer.Option(
        "--model", help="also `label`/`scores` of this model: NAME (its promoted version) or NAME@VERSION")] = None,
    province: Annotated[str | None, typer.Option("--province", help="default: BANTIN_PROVINCE")] = None,
    progress: ProgressOpt = True,
) -> None:
    """Phân loại tệp JSONL (classify rows: topics, province relevance, language; one output row per input row)."""
    from bantin.classify.io import JsonlReader
    from bantin.classify.registry.store import parse_ref
    from bantin.classify.service import build_classifier, classify_file

    app_ = open_cli_app()
    with expected_errors():
        name, version = parse_ref(model) if model else (None, None)
        with app_.sessions() as s:
            clf = build_classifier(s, app_.settings.models_dir, province or app_.settings.province, name, version)
        if clf.topic_model is None:
            err.print("[yellow]Cảnh báo (warning):[/] no topic model (no promoted `topics`, no shipped default): "
                      "`topics` will be empty.")
        with JsonlReader(input) as reader, progress_bar("Phân loại (classifying)", reader.size, progress) as update:
            if str(output) == "-":
                rows, errors = classify_file(clf, reader, sys.stdout, lambda _n: update(reader.position))
            else:
                tmp = output.with_name(f".{output.name}.tmp{os.getpid()}")
                with tmp.open("w", encoding="utf-8") as fh:
                    rows, errors = classify_file(clf, reader, fh, lambda _n: update(reader.position))
                os.replace(tmp, output)  # a failed run leaves no half-written OUT
    label = f"; label: {clf.extra.version.name} v{clf.extra.version.version}" if clf.extra is not None else ""
    err.print(f"{rows} dòng (rows), {errors} lỗi (errors); topics: {clf.topic_origin}{label}; province: {clf.province} "
              f"(decided by {clf.relevance_origin}).",
              highlight=False)
