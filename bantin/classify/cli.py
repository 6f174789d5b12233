"""`bantin model ...`, `bantin classify` and `bantin label`: the analysts' workflow (mounted by bantin/cli.py).

Heavy imports (scikit-learn, skops, the gazetteer) happen inside the commands so `bantin --help` stays fast.
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
from rich.console import Console
from rich.table import Table

model_app = typer.Typer(help="Mô hình phân loại (classification models: train, evaluate, promote).",
                        no_args_is_help=True)
out = Console()
err = Console(stderr=True)

DataOpt = Annotated[Path, typer.Option("--data", help="FILE.jsonl[.gz], rows with `text` and `label`")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON output")]
ProgressOpt = Annotated[bool, typer.Option("--progress/--no-progress", help="progress bar on stderr (a terminal)")]


def _actor() -> str:
    from bantin.audit import cli_actor

    return cli_actor()


def _record(session: Any, action: str, **detail: Any) -> None:
    from bantin.audit import record

    record(session, _actor(), action, **detail)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]Lỗi (error):[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the workflow's expected errors into a clear message and exit code 1 (no traceback)."""
    from bantin.classify.io import DataFileError
    from bantin.classify.labels import LabelError
    from bantin.classify.registry import RegistryError

    try:
        yield
    except (DataFileError, LabelError, RegistryError) as exc:
        _fail(str(exc))


@contextmanager
def _progress(description: str, total: float | None, enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar on stderr (only on a terminal); yields ``advance(n)`` / ``update(completed)``."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=err, disable=not (enabled and err.is_terminal), transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda completed: bar.update(task, completed=completed)


def _app() -> Any:
    from bantin.context import open_app

    return open_app(seed_sources=False)


def _params(items: list[str], name: str) -> dict[str, Any]:
    from bantin.classify.service import TOPIC_MODEL_NAME

    if name == TOPIC_MODEL_NAME:
        from bantin.classify.topics import TopicModel

        known = TopicModel().get_params()
    else:
        from bantin.classify.textmodel import TextClassifier

        known = TextClassifier().get_params()
    params: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or key not in known:
            _fail(f"--param {item!r}: expected KEY=VALUE with KEY one of {', '.join(sorted(known))}")
        value: Any = raw
        for cast in (int, float):
            try:
                value = cast(raw)
                break
            except ValueError:
                continue
        params[key] = None if raw == "None" else value
    return params


@model_app.command("train")
def train_cmd(
    data: DataOpt,
    name: Annotated[str, typer.Option("--name", help="model name (`topics` is the topic model)")],
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="model parameter KEY=VALUE (TextClassifier, or TopicModel for `topics`), repeatable")] = None,
    labels: Annotated[bool, typer.Option("--labels/--no-labels", help="add analysts' topic labels (topics)")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Huấn luyện một phiên bản mới (train a new candidate version; evaluated on a held-out split and the frozen set)."""
    from bantin.classify.active import train_and_register

    app_ = _app()
    with _errors(), app_.sessions() as s:
        with err.status("Đang huấn luyện (training) ...") if err.is_terminal else _nullctx():
            summary = train_and_register(s, app_.settings.models_dir, data, name, _params(param or [], name),
                                         use_labels=labels, actor=_actor(), note=err.print)
        s.commit()
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    _print_summary(summary)


@contextmanager
def _nullctx() -> Iterator[None]:
    yield


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title=f"{summary['name']} v{summary['version']} (candidate)")
    table.add_column("")
    table.add_column("rows", justify="right")
    table.add_column("accuracy %", justify="right")
    table.add_column("macro-F1 %", justify="right")
    table.add_column("docs/s", justify="right")
    for key, title in (("holdout", "held-out split"), ("frozen_eval", "frozen eval set")):
        m = summary["metrics"].get(key)
        if m:
            table.add_row(title, str(m["n"]), f"{m['accuracy']:.2f}", f"{m['macro_f1']:.2f}", str(m["docs_per_s"]))
    out.print(table)
    tr = summary["metrics"]["train"]
    out.print(f"train rows {tr['rows']} ({tr['db_labels']} from analysts' labels, {tr['dropped_eval_overlap']} "
              f"dropped as in the frozen set), classes {len(tr['classes'])}, data sha256 {summary['data_sha256'][:16]}…, "
              f"{tr['seconds']:.1f} s", highlight=False)


@model_app.command("evaluate")
def evaluate_cmd(
    data: DataOpt,
    model: Annotated[str, typer.Option("--model", help="model name")],
    version: Annotated[int | None, typer.Option("--version", help="default: the promoted version")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Đánh giá một phiên bản (accuracy, macro-F1, per-class P/R/F1, docs/s on FILE)."""
    from bantin.classify.io import read_labelled, rows_sha256
    from bantin.classify.registry import load, score

    app_ = _app()
    with _errors(), app_.sessions() as s:
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
    from bantin.classify.registry import metrics_of

    m = metrics_of(mv)
    f1 = {k: (m.get(k) or {}).get("macro_f1") for k in ("holdout", "frozen_eval")}
    return {"name": mv.name, "version": mv.version, "status": mv.status, "holdout_macro_f1": f1["holdout"],
            "frozen_eval_macro_f1": f1["frozen_eval"], "train_rows": (m.get("train") or {}).get("rows"),
            "training_data_hash": mv.training_data_hash, "artifact_sha256": mv.artifact_sha256,
            "created_at": mv.created_at.isoformat(), "created_by": mv.created_by,
            "promoted_at": mv.promoted_at.isoformat() if mv.promoted_at else None, "promoted_by": mv.promoted_by,
            "forced": mv.forced}


@model_app.command("list")
def list_cmd(
    name: Annotated[str | None, typer.Argument(help="only this model")] = None, as_json: JsonOpt = False
) -> None:
    """Liệt kê các phiên bản mô hình (every registered version with its scores and status)."""
    from bantin.classify.registry import versions

    app_ = _app()
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


def _reclassify(app_: Any, enabled: bool, progress: bool) -> None:
    from sqlalchemy import func, select

    from bantin.classify.service import build_classifier, reclassify_stored
    from bantin.models.schema import Article

    if not enabled:
        err.print("Bỏ qua phân loại lại (not re-classifying; run `bantin model reclassify`).")
        return
    with app_.sessions() as s:
        clf = build_classifier(s, app_.settings.models_dir, app_.settings.province)
        total = s.scalar(select(func.count()).select_from(Article))
    done = 0
    with _progress("Phân loại lại (re-classifying)", total, progress) as update:
        def advance(n: int) -> None:
            nonlocal done
            done += n
            update(done)

        n = reclassify_stored(app_.sessions, clf, on_batch=advance)
    err.print(f"Đã phân loại lại (re-classified) {n} bài với (with) {clf.topic_origin}.")


@model_app.command("promote")
def promote_cmd(
    name: str,
    version: Annotated[int | None, typer.Option("--version", help="default: the newest version")] = None,
    force: Annotated[bool, typer.Option("--force", help="bypass the gate (needs --reason; audited)")] = False,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    reclassify: Annotated[bool, typer.Option("--reclassify/--no-reclassify")] = True,
    progress: ProgressOpt = True,
) -> None:
    """Đưa một phiên bản vào dùng (promote; gate: frozen-set macro-F1 ≥ current − 1 point)."""
    from bantin.classify.registry import promote
    from bantin.classify.service import TOPIC_MODEL_NAME

    app_ = _app()
    with _errors(), app_.sessions() as s:
        p = promote(s, app_.settings.models_dir, name, version, actor=_actor(), force=force, reason=reason)
        s.commit()
    scores = (f" (frozen-set macro-F1 {p.new_score:.2f} vs {p.current_score:.2f})"
              if p.new_score is not None and p.current_score is not None else "")
    prev = f", replacing v{p.previous.version}" if p.previous else ""
    out.print(f"Promoted {name} v{p.version.version}{prev}{scores}" + (" [bold red]FORCED[/]" if p.forced else ""))
    if name == TOPIC_MODEL_NAME:
        with _errors():
            _reclassify(app_, reclassify, progress)


@model_app.command("rollback")
def rollback_cmd(
    name: str,
    reclassify: Annotated[bool, typer.Option("--reclassify/--no-reclassify")] = True,
    progress: ProgressOpt = True,
) -> None:
    """Quay lại phiên bản trước (back to the previously promoted version; audited)."""
    from bantin.classify.registry import rollback
    from bantin.classify.service import TOPIC_MODEL_NAME

    app_ = _app()
    with _errors(), app_.sessions() as s:
        restored, undone = rollback(s, name, actor=_actor())
        s.commit()
    out.print(f"Rolled back {name}: v{undone.version} → v{restored.version}")
    if name == TOPIC_MODEL_NAME:
        with _errors():
            _reclassify(app_, reclassify, progress)


@model_app.command("reclassify")
def reclassify_cmd(progress: ProgressOpt = True) -> None:
    """Phân loại lại bài đã lưu khi mô hình thay đổi (idempotent: only rows from another model/province)."""
    with _errors():
        _reclassify(_app(), True, progress)


@model_app.command("freeze-eval")
def freeze_eval_cmd(
    name: str, data: DataOpt,
    replace: Annotated[bool, typer.Option("--replace", help="replace an existing frozen set")] = False,
) -> None:
    """Cố định tập đánh giá (freeze the evaluation set every later candidate of NAME is scored on)."""
    from bantin.classify.io import read_labelled
    from bantin.classify.registry import freeze_eval

    app_ = _app()
    actor = _actor()
    with _errors(), app_.sessions() as s:
        rows = read_labelled(data)
        es, changed = freeze_eval(app_.settings.models_dir, name, rows, source=str(data), actor=actor,
                                  replace=replace)
        if changed:
            _record(s, "model.freeze_eval", name=name, sha256=es.sha256, rows=len(es.rows),
                         source=str(data))
            s.commit()
    state = "frozen" if changed else "already frozen (unchanged)"
    out.print(f"{name}: evaluation set {state}: {len(es.rows)} rows, sha256 {es.sha256[:16]}…", highlight=False)


@model_app.command("uncertain")
def uncertain_cmd(
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 20, as_json: JsonOpt = False,
    progress: ProgressOpt = True,
) -> None:
    """Bài mô hình ít chắc chắn nhất (articles to label next: smallest top-two topic margin; audited)."""
    from sqlalchemy import func, select

    from bantin.classify.active import least_certain
    from bantin.classify.service import build_classifier
    from bantin.models.schema import Article

    app_ = _app()
    with _errors(), app_.sessions() as s:
        clf = build_classifier(s, app_.settings.models_dir, app_.settings.province)
        if clf.topic_model is None:
            _fail("no topic model (neither a promoted `topics` version nor the shipped default)")
        done = 0
        with _progress("Chấm điểm (scoring)", s.scalar(select(func.count()).select_from(Article)), progress) as up:
            def advance(n: int) -> None:
                nonlocal done
                done += n
                up(done)

            items = least_certain(s, clf.topic_model, limit, on_page=advance)
        _record(s, "model.uncertain", model=clf.topic_origin, limit=limit, rows=len(items))
        s.commit()
    if as_json:
        print(json.dumps([u.to_dict() for u in items], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Cần gán nhãn (to label next) — {clf.topic_origin}")
    for col in ("article", "margin", "top topics", "title"):
        table.add_column(col)
    for u in items:
        table.add_row(str(u.article_id), f"{u.margin:.3f}", ", ".join(f"{k} {v:.2f}" for k, v in u.top),
                      (u.title or u.url)[:80])
    out.print(table)


@model_app.command("export-labels")
def export_labels_cmd(
    kind: Annotated[str, typer.Option("--kind", help="topic | relevance")] = "topic",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Xuất dữ liệu đã gán nhãn (labelled articles as a training JSONL: id, url, text, label; audited)."""
    from bantin.classify.labels import RELEVANCE, TOPIC, export_labelled

    if kind not in (TOPIC, RELEVANCE):
        _fail(f"--kind must be {TOPIC} or {RELEVANCE}")
    app_ = _app()
    province = app_.settings.province if kind == RELEVANCE else None
    with app_.sessions() as s:
        if output is None:
            n = export_labelled(s, sys.stdout, kind, province)
        else:
            with output.open("w", encoding="utf-8") as fh:
                n = export_labelled(s, fh, kind, province)
        _record(s, "labels.export", kind=kind, rows=n, output=str(output or "-"))
        s.commit()
    err.print(f"Đã xuất (exported) {n} dòng nhãn {kind}.")


def classify_cmd(
    input: Annotated[Path, typer.Option("--input", help="FILE.jsonl[.gz]: `text`, or `title` and `summary`")],
    output: Annotated[Path, typer.Option("--output", help="OUT.jsonl (`-` for stdout)")],
    model: Annotated[str | None, typer.Option("--model", help="also `label`/`scores` of this model")] = None,
    province: Annotated[str | None, typer.Option("--province", help="default: BANTIN_PROVINCE")] = None,
    progress: ProgressOpt = True,
) -> None:
    """Phân loại tệp JSONL (classify rows: topics, province relevance, language; one output row per input row)."""
    from bantin.classify.io import JsonlReader
    from bantin.classify.service import build_classifier, classify_file

    app_ = _app()
    with _errors():
        with app_.sessions() as s:
            clf = build_classifier(s, app_.settings.models_dir, province or app_.settings.province, model)
        if clf.topic_model is None:
            err.print("[yellow]Cảnh báo (warning):[/] no topic model (no promoted `topics`, no shipped default): "
                      "`topics` will be empty.")
        with JsonlReader(input) as reader, _progress("Phân loại (classifying)", reader.size, progress) as update:
            if str(output) == "-":
                rows, errors = classify_file(clf, reader, sys.stdout, lambda _n: update(reader.position))
            else:
                tmp = output.with_name(f".{output.name}.tmp{os.getpid()}")
                with tmp.open("w", encoding="utf-8") as fh:
                    rows, errors = classify_file(clf, reader, fh, lambda _n: update(reader.position))
                os.replace(tmp, output)  # a failed run leaves no half-written OUT
    err.print(f"{rows} dòng (rows), {errors} lỗi (errors); topics: {clf.topic_origin}; province: {clf.province}.")


def label_cmd(
    article_id: int,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="taxonomy key (repeatable)")] = None,
    relevance: Annotated[str | None, typer.Option("--relevance", help="primary | mention | none")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="remove these labels (yours) instead")] = False,
) -> None:
    """Gán nhãn cho một bài (label an article's topics / province relevance; labeller = cli:<user>)."""
    from bantin.classify.labels import RELEVANCE, TOPIC, add_label, remove_label

    if not topic and relevance is None:
        _fail("give --topic KEY and/or --relevance primary|mention|none")
    app_ = _app()
    who, province = _actor(), app_.settings.province
    wanted = [(TOPIC, t) for t in topic or []] + ([(RELEVANCE, relevance)] if relevance is not None else [])
    with _errors(), app_.sessions() as s:
        lines = []
        for kind, value in wanted:
            if remove:
                n = remove_label(s, article_id, kind, value, labeller=who)
                lines.append(f"{kind}={value}: {'removed' if n else 'not found'}")
            else:
                res = add_label(s, article_id, kind, value, labeller=who, province=province)
                extra = f" (replaces {', '.join(res.replaced)})" if res.replaced else ""
                lines.append(f"{kind}={value}: {'added' if res.created else 'already there'}{extra}")
        s.commit()
    for line in lines:
        out.print(f"bài (article) {article_id} · {line} · {who}", highlight=False)
