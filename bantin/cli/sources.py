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
    """Tình trạng nguồn và từng feed (health rolled up from the feeds, then each feed's own; 7 days)."""
    from bantin.app.context import open_app
    from bantin.sources.registry import health_rows

    app_ = open_app()
    with app_.sessions() as s:
        rows = health_rows(s)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title="Tình trạng nguồn tin (source health, last 7 days; one line per feed below each source)")
    for col in ("Nguồn / feed", "Tình trạng", "Thành công gần nhất", "Lỗi gần nhất", "Bài/ngày", "Tỷ lệ 304", "Chu kỳ"):
        table.add_column(col)
    for r in rows:
        ratio = f"{r['not_modified_ratio']:.0%}" if r["not_modified_ratio"] is not None else "—"
        table.add_row(f"[bold]{r['name']}[/]", _health(r["health"]), fmt_time(r["last_success_at"]), _error(r),
                      f"{r['items_per_day']:.1f}", ratio, _interval(r["poll_interval_s"]))
        for f in r["feed_detail"]:
            fails = f" ×{f['consecutive_failures']}" if f["consecutive_failures"] else ""
            table.add_row(f"  └ {f['url']}", _health(f["health"]) + fails, fmt_time(f["last_success_at"]),
                          _error(f), "", "", _interval(f["poll_interval_s"]))
    out.print(table)


HEALTH_COLOURS = {"ok": "green", "quiet": "yellow", "failing": "red", "dead": "bold red", "new": "blue"}


def _health(state: str) -> str:
    return f"[{HEALTH_COLOURS.get(state, 'white')}]{state}[/]"


def _error(row: dict[str, Any]) -> str:
    if not row["last_error_at"]:
        return "—"
    return f"{fmt_time(row['last_error_at'])} {(row['last_error'] or '')[:60]}".strip()


def _interval(seconds: int | None) -> str:
    s = seconds or 0
    return f"{s // 60} ph" if s >= 60 else f"{s} s"
