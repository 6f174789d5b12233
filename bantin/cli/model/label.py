"""`bantin model uncertain`, `bantin label` and `bantin model export-labels`: the analysts' labelling loop.
``uncertain`` lists the stored articles the topic model is least sure of (smallest margin between its top
two topics), ``label`` adds or removes an analyst's topic / province-relevance labels on one article, and
``export-labels`` writes the labelled articles as a training JSONL for ``bantin model train``. Reads,
exports and removals are audited with the CLI user as actor; an export's row is committed before its first
line (docs/principles.md, principle 3). Mounted by :mod:`bantin.cli.model`.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bantin.cli.common import (
    JsonOpt,
    ProgressOpt,
    current_actor,
    err,
    expected_errors,
    fail,
    open_cli_app,
    out,
    progress_bar,
    record_audit,
)


def uncertain_cmd(
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 20, as_json: JsonOpt = False,
    progress: ProgressOpt = True,
) -> None:
    """Bài mô hình ít chắc chắn nhất (articles to label next: smallest top-two topic margin; audited)."""
    from sqlalchemy import func, select

    from bantin.classify.active import least_certain
    from bantin.classify.service import build_classifier
    from bantin.store.schema import Article

    app_ = open_cli_app()
    with expected_errors(), app_.read_sessions() as s:  # scoring every article: a read, no write lock
        clf = build_classifier(s, app_.settings.models_dir, app_.settings.province)
        if clf.topic_model is None:
            fail("no topic model (neither a promoted `topics` version nor the shipped default)")
        done = 0
        with progress_bar("Chấm điểm (scoring)", s.scalar(select(func.count()).select_from(Article)), progress) as up:
            def advance(n: int) -> None:
                nonlocal done
                done += n
                up(done)

            items = least_certain(s, clf.topic_model, limit, on_page=advance)
    with expected_errors(), app_.sessions() as s:  # docs/principles.md, principle 3: audited before shown
        record_audit(s, "model.uncertain", model=clf.topic_origin, limit=limit, rows=len(items))
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


def export_labels_cmd(
    kind: Annotated[str, typer.Option("--kind", help="topic | relevance")] = "topic",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Xuất dữ liệu đã gán nhãn (labelled articles as a training JSONL: id, url, text, label; audited)."""
    from bantin.classify.labels import RELEVANCE, TOPIC, export_labelled, iter_labelled

    if kind not in (TOPIC, RELEVANCE):
        fail(f"--kind must be {TOPIC} or {RELEVANCE}")
    app_ = open_cli_app()
    province = app_.settings.province if kind == RELEVANCE else None
    with output.open("w", encoding="utf-8") if output else nullcontext(sys.stdout) as fh:
        with app_.sessions() as s:  # docs/principles.md, principle 3: audit first, in its own transaction
            rows = sum(1 for _ in iter_labelled(s, kind, province))  # analysts' labels: thousands at most
            record_audit(s, "labels.export", kind=kind, province=province, rows=rows, output=str(output or "-"))
            s.commit()
        with app_.read_sessions() as s:
            n = export_labelled(s, fh, kind, province)
    err.print(f"Đã xuất (exported) {n} dòng nhãn {kind}.")


def label_cmd(
    article_id: int,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="taxonomy key (repeatable)")] = None,
    relevance: Annotated[str | None, typer.Option("--relevance", help="primary | mention | none")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="remove these labels (yours) instead")] = False,
) -> None:
    """Gán nhãn cho một bài (label an article's topics / province relevance; labeller = cli:<user>)."""
    from bantin.classify.labels import RELEVANCE, TOPIC, add_label, remove_label

    if not topic and relevance is None:
        fail("give --topic KEY and/or --relevance primary|mention|none")
    app_ = open_cli_app()
    who, province = current_actor(), app_.settings.province
    wanted = [(TOPIC, t) for t in topic or []] + ([(RELEVANCE, relevance)] if relevance is not None else [])
    with expected_errors(), app_.sessions() as s:
        lines = []
        for kind, value in wanted:
            if remove:
                n = remove_label(s, article_id, kind, value, labeller=who)
                record_audit(s, "labels.remove", article=article_id, kind=kind, value=value, removed=n)
                lines.append(f"{kind}={value}: {'removed' if n else 'not found'}")
            else:
                res = add_label(s, article_id, kind, value, labeller=who, province=province)
                extra = f" (replaces {', '.join(res.replaced)})" if res.replaced else ""
                lines.append(f"{kind}={value}: {'added' if res.created else 'already there'}{extra}")
        s.commit()
    for line in lines:
        out.print(f"bài (article) {article_id} · {line} · {who}", highlight=False)
