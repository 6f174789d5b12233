"""`bantin crawl [--once]`: run the crawler."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bantin.cli.common import err


def crawl_cmd(
    once: Annotated[bool, typer.Option("--once", help="Mỗi nguồn đến hạn một lần rồi dừng (each due source once).")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
) -> None:
    """Thu thập tin (crawl the configured sources; continuously unless --once)."""
    from bantin.app.context import open_app
    from bantin.app.crawl import crawl

    app_ = open_app()
    stats = crawl(app_, once=once, console=err, show_progress=progress and sys.stderr.isatty())
    keys = sorted(k for k in stats if k.split("/")[0] in ("ingest", "feed", "fetch", "dedup", "classify"))
    err.print("Kết quả (stats): " + ", ".join(f"{k}={stats[k]}" for k in keys))
