"""`bantin crawl [--once]`: run the crawler.

Exit status: 0 when the crawl ran; 1 when its loop died (so systemd or a supervisor restarts it) or when
``--once`` found every polled source failing (one line per source says why).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bantin.cli.common import err, fail


def crawl_cmd(
    once: Annotated[bool, typer.Option("--once", help="Mỗi nguồn đến hạn một lần rồi dừng (each due source once).")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
) -> None:
    """Thu thập tin (crawl the configured sources; continuously unless --once)."""
    from bantin.app.context import open_app
    from bantin.app.crawl import crawl, source_runs
    from bantin.store.types import utcnow

    app_ = open_app()
    started = utcnow()
    stats = crawl(app_, once=once, console=err, show_progress=progress and sys.stderr.isatty())
    keys = sorted(k for k in stats if k.split("/")[0] in ("ingest", "feed", "fetch", "dedup", "classify", "crawl"))
    err.print("Kết quả (stats): " + ", ".join(f"{k}={stats[k]}" for k in keys), highlight=False)
    if stats.get("finish_reason") == "loop_died":
        fail(f"vòng thu thập bị dừng (the crawl loop died): {stats.get('crawl/loop_died_reason', '?')}")
    if not once and stats.get("finish_reason") != "shutdown":  # only a signal (SIGTERM, Ctrl-C) ends it cleanly
        fail(f"thu thập liên tục đã dừng (the continuous crawl stopped: {stats.get('finish_reason')})")
    if not once:
        return
    runs = source_runs(app_, started)
    if runs and not any(r.ok for r in runs):
        for r in runs:
            err.print(f"nguồn (source) {r.name}: {r.error}", highlight=False, soft_wrap=True)
        fail(f"mọi nguồn đều lỗi (every source failed: {len(runs)})")
