"""`bantin articles ...`: stored articles (exports are audited: docs/principles.md, principle 3)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from bantin.cli.common import err, fail

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
