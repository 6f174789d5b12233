"""`bantin sources ...`: publishers and organisations, their feeds and health (docs/principles.md, principle 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bantin.cli.common import fail, fmt_time, out

sources_app = typer.Typer(help="Nguồn tin: báo, tổ chức (sources: publishers, organisations).", no_args_is_help=True)


@sources_app.command("list")
def sources_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Liệt kê nguồn tin (list sources and their feeds)."""
    from sqlalchemy import select

    from bantin.app.context import open_app
    from bantin.store.schema import Source

    app_ = open_app()
    with app_.sessions() as s:
        rows: list[dict[str, Any]] = [
            {"name": src.name, "kind": src.kind, "home_url": src.home_url, "language": src.language,
             "country": src.country, "enabled": src.enabled, "feeds": [f.url for f in src.feeds]}
            for src in s.scalars(select(Source).order_by(Source.name))
        ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Nguồn tin (sources): {len(rows)}")
    for col in ("Tên (name)", "Ngôn ngữ", "Nước", "Feeds"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["language"] or "—", r["country"] or "—", "\n".join(r["feeds"]))
    out.print(table)


@sources_app.command("add")
def sources_add(url: str, name: Annotated[str | None, typer.Option("--name")] = None) -> None:
    """Thêm nguồn từ URL feed hoặc trang chủ (add a source; feeds are autodiscovered from a home page)."""
    from bantin.app.context import open_app
    from bantin.sources.add import AddSourceError, add_source

    app_ = open_app()
    try:
        src_name, feeds = add_source(app_.settings, app_.sessions, url, name)
    except AddSourceError as exc:
        fail(str(exc))
        return
    out.print(f"Đã thêm nguồn (added) [bold]{src_name}[/] với {len(feeds)} feed:")
    for f in feeds:
        out.print(f"  • {f}")


@sources_app.command("sync")
def sources_sync(path: Path) -> None:
    """Nạp/cập nhật nguồn từ tệp TOML (load or update sources from a TOML file)."""
    from bantin.app.context import open_app
    from bantin.sources.registry import SourcesFileError, load_sources_file, upsert

    app_ = open_app()
    try:
        specs = load_sources_file(path)
    except SourcesFileError as exc:
        fail(str(exc))
        return
    added = 0
    with app_.sessions() as s:
        for spec in specs:
            added += upsert(s, spec)[1]
        s.commit()
    out.print(f"{len(specs)} nguồn, {added} feed mới (sources, new feeds).")


@sources_app.command("check")
def sources_check(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Tình trạng nguồn (health: last success, last error, items/day, 304 ratio over 7 days)."""
    from bantin.app.context import open_app
    from bantin.sources.registry import health_rows

    app_ = open_app()
    with app_.sessions() as s:
        rows = health_rows(s)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    colour = {"ok": "green", "quiet": "yellow", "failing": "red", "dead": "bold red", "new": "blue"}
    table = Table(title="Tình trạng nguồn tin (source health, last 7 days)")
    for col in ("Nguồn", "Tình trạng", "Thành công gần nhất", "Lỗi gần nhất", "Bài/ngày", "Tỷ lệ 304", "Chu kỳ"):
        table.add_column(col)
    for r in rows:
        ratio = f"{r['not_modified_ratio']:.0%}" if r["not_modified_ratio"] is not None else "—"
        error = f"{fmt_time(r['last_error_at'])} {(r['last_error'] or '')[:60]}".strip() if r["last_error_at"] else "—"
        table.add_row(r["name"], f"[{colour.get(r['health'], 'white')}]{r['health']}[/]", fmt_time(r["last_success_at"]),
                      error, f"{r['items_per_day']:.1f}", ratio, f"{r['poll_interval_s'] // 60} ph")
    out.print(table)
