"""`bantin sources ...`: publishers and organisations, their feeds and health (docs/principles.md, principle 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from bantin.cli.common import fmt_time, out

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
             "country": src.country, "enabled": src.enabled, "feeds": [f.url for f in src.feeds if f.enabled],
             "disabled_feeds": [f.url for f in src.feeds if not f.enabled]}
            for src in s.scalars(select(Source).order_by(Source.name))
        ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Nguồn tin (sources): {len(rows)}")
    for col in ("Tên (name)", "Ngôn ngữ", "Nước", "Feeds"):
        table.add_column(col)
    for r in rows:
        feeds = r["feeds"] + [f"{u} (tắt, disabled)" for u in r["disabled_feeds"]]
        name = r["name"] if r["enabled"] else f"{r['name']} (tắt, disabled)"
        table.add_row(escape(name), r["language"] or "—", r["country"] or "—", escape("\n".join(feeds)))
    out.print(table)


@sources_app.command("add")
def sources_add(url: str, name: Annotated[str | None, typer.Option("--name")] = None) -> None:
    """Thêm nguồn từ URL feed hoặc trang chủ (add a source; feeds are autodiscovered from a home page).

    Says which feeds were new and which were already known. A URL that cannot be fetched exits with 2.
    """
    from bantin.app.context import open_app
    from bantin.sources.add import add_source

    app_ = open_app()
    added = add_source(app_.settings, app_.sessions, url, name)
    out.print(f"Nguồn (source) [bold]{escape(added.name)}[/]: {len(added.new_feeds)} feed mới (new), "
              f"{len(added.known_feeds)} đã có (already known)")
    for f in added.new_feeds:
        out.print(f"  + {f}", highlight=False)
    for f in added.known_feeds:
        out.print(f"  = {f} (đã có, already known)", highlight=False)


@sources_app.command("sync")
def sources_sync(path: Path) -> None:
    """Đồng bộ nguồn từ tệp TOML (make the stored sources match a sources file).

    Updates names (a renamed source is found by its home URL or a feed), intervals (`poll_minutes`), feeds.

    New feeds are added; feeds the file no longer lists are disabled, not deleted: their history stays.

    Sources missing from the file are left as they are (use `bantin sources disable NAME`).
    """
    from bantin.app.context import open_app
    from bantin.sources.registry import load_sources_file, sync

    specs = load_sources_file(path)
    app_ = open_app()
    with app_.sessions() as s:
        rep = sync(s, specs)
        s.commit()
    out.print(f"{len(specs)} nguồn (sources): {len(rep.created)} mới (new), {len(rep.renamed)} đổi tên (renamed), "
              f"{len(rep.interval_changed)} đổi chu kỳ (interval); feed: {len(rep.feeds_added)} mới (added), "
              f"{len(rep.feeds_disabled)} tắt (disabled), {len(rep.feeds_enabled)} bật lại (re-enabled)",
              highlight=False)
    lines = [f"  đổi tên (renamed) {old} → {new}" for old, new in rep.renamed]
    lines += [f"  + {u}" for u in rep.feeds_added] + [f"  − {u} (tắt, disabled)" for u in rep.feeds_disabled]
    lines += [f"  ! {u} thuộc nguồn khác (belongs to another source)" for u in rep.feeds_elsewhere]
    for line in lines:
        out.print(line, highlight=False, markup=False)


@sources_app.command("disable")
def sources_disable(name: str) -> None:
    """Tạm dừng một nguồn (stop polling a source; its feeds, history and articles stay)."""
    _set_enabled(name, False)


@sources_app.command("enable")
def sources_enable(name: str) -> None:
    """Bật lại một nguồn (poll a disabled source again)."""
    _set_enabled(name, True)


def _set_enabled(name: str, enabled: bool) -> None:
    from bantin.app.context import open_app
    from bantin.sources.registry import set_enabled

    app_ = open_app()
    with app_.sessions() as s:
        changed = set_enabled(s, name, enabled)
        s.commit()
    state = "bật (enabled)" if enabled else "tắt (disabled)"
    out.print(f"Nguồn {name}: {state}" + ("" if changed else " — đã vậy (already)"), highlight=False, markup=False)


@sources_app.command("remove")
def sources_remove(name: str) -> None:
    """Xoá một nguồn thêm nhầm (delete a source and its feeds; audited).

    Refused when the source has stored articles: they are the office's record.

    Disable such a source instead (`bantin sources disable NAME`); there is no --force.
    """
    from bantin.app import audit
    from bantin.app.context import open_app
    from bantin.sources.registry import remove_source

    app_ = open_app()
    with app_.sessions() as s:
        remove_source(s, name)
        audit.record(s, audit.cli_actor(), "sources.remove", name=name)
        s.commit()
    out.print(f"Đã xoá nguồn (removed) {name}", highlight=False, markup=False)


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
