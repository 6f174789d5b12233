"""The `bantin` command (typer + rich). Every command brings the database schema up to date first."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="bantin — theo dõi báo chí cho tỉnh (press monitoring).", no_args_is_help=True)
db_app = typer.Typer(help="Cơ sở dữ liệu (database).", no_args_is_help=True)
sources_app = typer.Typer(help="Nguồn tin: báo, tổ chức (sources: publishers, organisations).", no_args_is_help=True)
articles_app = typer.Typer(help="Bài báo đã lưu (stored articles).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")
app.add_typer(articles_app, name="articles")

from bantin.cli.model import classify_cmd, label_cmd, model_app  # noqa: E402  (typer/rich only at import)

app.add_typer(model_app, name="model")
app.command("classify")(classify_cmd)
app.command("label")(label_cmd)

out = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]Lỗi (error):[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def _fmt(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "—"


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Áp dụng migration (apply the schema migrations)."""
    from bantin.app.settings import get_settings
    from bantin.store.db import make_engine
    from bantin.store.migrate import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    rev = upgrade(make_engine(settings.resolved_database_url))
    out.print(f"Cơ sở dữ liệu ở phiên bản (schema at) [bold]{rev}[/]: {settings.resolved_database_url}")


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
        _fail(str(exc))
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
        _fail(str(exc))
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
        error = f"{_fmt(r['last_error_at'])} {(r['last_error'] or '')[:60]}".strip() if r["last_error_at"] else "—"
        table.add_row(r["name"], f"[{colour.get(r['health'], 'white')}]{r['health']}[/]", _fmt(r["last_success_at"]),
                      error, f"{r['items_per_day']:.1f}", ratio, f"{r['poll_interval_s'] // 60} ph")
    out.print(table)


@app.command("crawl")
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
        _fail(f"định dạng không hỗ trợ (unsupported format) {fmt!r}; dùng --format jsonl")
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


@app.command("extract")
def extract_cmd(
    path_or_url: str,
    url: Annotated[str | None, typer.Option("--url", help="URL gốc của trang (the page's original URL)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Trích xuất một trang bài báo (extract one article page from a file or URL)."""
    from bantin.cli.extract import ExtractError, extract_to_json

    try:
        result = extract_to_json(path_or_url, url)
    except ExtractError as exc:
        _fail(str(exc))
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        out.print(f"[bold]{result.get('title') or '(không có tiêu đề)'}[/]")
        out.print(f"{result.get('canonical_url')} · {result.get('published') or '—'} · {result.get('language') or '—'}")
        out.print(result.get("text") or "")


@app.command("replay")
def replay_cmd(
    directory: Path,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8765,
) -> None:
    """Máy chủ phát lại trang và feed thật trên loopback (offline replay server)."""
    from bantin.replay.main import serve

    serve(directory, host, port)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
