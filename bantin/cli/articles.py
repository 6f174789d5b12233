"""`bantin articles ...`: stored articles (exports are audited: docs/principles.md, principle 3)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from bantin.cli.common import JsonOpt, ProgressOpt, err, fail, out, progress_bar

articles_app = typer.Typer(help="Bài báo đã lưu (stored articles).", no_args_is_help=True)


@articles_app.command("export")
def articles_export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Xuất bài báo (export articles, one JSON per line; audited before the first line is written)."""
    from bantin.app import audit
    from bantin.app.context import open_app
    from bantin.store.export import count_articles, write_jsonl

    if fmt != "jsonl":
        fail(f"định dạng không hỗ trợ (unsupported format) {fmt!r}; dùng --format jsonl")
    app_ = open_app()
    with output.open("w", encoding="utf-8") if output else nullcontext(sys.stdout) as fh:
        with app_.sessions() as s:  # docs/principles.md, principle 3: audit first, in its own transaction
            audit.record(s, audit.cli_actor(), "articles.export", format=fmt, rows=count_articles(s),
                         output=str(output or "-"))
            s.commit()
        with app_.read_sessions() as s:  # a long read: never blocks the crawler's writes
            n = write_jsonl(s, fh)
    err.print(f"Đã xuất (exported) {n} bài.")


@articles_app.command("import")
def articles_import(
    input_: Annotated[Path, typer.Option("--input", "-i", help="FILE.jsonl[.gz]: url, title, summary or text, "
                                         "published, source (a name)")],
    source_default: Annotated[str | None, typer.Option("--source-default", help="source name for rows without one")] = None,
    classify: Annotated[bool, typer.Option("--classify/--no-classify", help="classify the new articles after")] = True,
    as_json: JsonOpt = False,
    progress: ProgressOpt = True,
) -> None:
    """Nhập bài báo từ kho lưu trữ (import archived articles through the crawl's dedup, clusters and index;
    idempotent; audited)."""
    import json

    from bantin.app import audit
    from bantin.app.context import open_app
    from bantin.app.crawl import classify_new
    from bantin.app.stats import CounterStats
    from bantin.ingest.importer import import_rows
    from bantin.ingest.rows import open_lines, parse_row

    if not input_.is_file():
        fail(f"không có tệp (no such file) {input_}", 2)
    # the configured sources are seeded first on a new database: an archive of a crawled publisher attaches to
    # it (and an import into an empty database does not stop the seeding the crawler's first start relies on)
    app_ = open_app()
    with app_.sessions() as s:  # the start is audited too: an interrupted import is on record
        audit.record(s, audit.cli_actor(), "articles.import", audit_target=f"import:{input_.name}", phase="start",
                     input=str(input_), source_default=source_default)
        s.commit()
    stats = CounterStats()
    raw, lines = open_lines(input_)
    size = input_.stat().st_size or 1
    with raw, progress_bar("Nhập (importing)", size, progress) as update:
        rows = (parse_row(n, line, source_default, stats) for n, line in lines)
        report = import_rows(app_.sessions, rows, stats, on_batch=lambda _r: update(raw.tell()))
        update(size)
    classified = classify_new(app_) if classify and report.new else 0
    summary = {**report.as_dict(), "classified": classified}
    with app_.sessions() as s:
        audit.record(s, audit.cli_actor(), "articles.import", audit_target=f"import:{input_.name}", phase="done",
                     input=str(input_), **summary)
        s.commit()
    if as_json:
        out.print_json(json.dumps(summary, ensure_ascii=False))
    else:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(report.refused.items())) or "—"
        err.print(f"Đã đọc (read) {report.read} dòng: mới (new) {report.new}, trùng (duplicates) "
                  f"{report.duplicates}, từ chối (refused) {sum(report.refused.values())} ({reasons}); "
                  f"đã phân loại (classified) {classified}.", highlight=False)
