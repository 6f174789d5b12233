"""`bantin articles ...`: stored articles (exports are audited: docs/principles.md, principle 3)."""

from __future__ import annotations

import sys
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
    """Xuất bài báo (export articles, one JSON per line; audited)."""
    from bantin.app import audit
    from bantin.app.context import open_app
    from bantin.store.export import write_jsonl

    if fmt != "jsonl":
        fail(f"định dạng không hỗ trợ (unsupported format) {fmt!r}; dùng --format jsonl")
    app_ = open_app()
    with app_.sessions() as s:
        if output is None:
            n = write_jsonl(s, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as fh:
                n = write_jsonl(s, fh)
        audit.record(s, audit.cli_actor(), "articles.export", format=fmt, rows=n, output=str(output or "-"))
        s.commit()
    err.print(f"Đã xuất (exported) {n} bài.")
