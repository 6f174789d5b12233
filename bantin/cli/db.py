"""`bantin db ...`: the database schema."""

from __future__ import annotations

import typer

from bantin.cli.common import out

db_app = typer.Typer(help="Cơ sở dữ liệu (database).", no_args_is_help=True)


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



# Tables in the order prune empties them, with the retention (cutoff) each follows.
PRUNE_TABLES = (("frontier", "frontier"), ("fetch_log", "fetch_log"), ("labels", "articles"),
                ("classifications", "articles"), ("article_urls", "articles"), ("articles", "articles"),
                ("clusters", "articles"), ("audit_log", "audit_log"))
# The office's tables (store/prune_office.py), listed after the clusters when the run deletes some of them.
OFFICE_PRUNE_TABLES = (("web_sessions", "web_sessions"), ("tracking_checks", "articles"),
                       ("tracked_originals", "articles"), ("story_events", "articles"), ("story_notes", "articles"),
                       ("responses", "articles"), ("stories", "articles"), ("outbox", "articles"),
                       ("alerts", "articles"))


@db_app.command("prune")
def db_prune(
    dry_run: bool = typer.Option(False, "--dry-run", help="chỉ đếm, không xoá (count only, delete nothing)"),
) -> None:
    """Xoá dữ liệu quá hạn lưu trữ (delete what is past retention; docs/principles.md, principle 3)."""
    from pydantic import ValidationError
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from bantin.app.retention import PruneRefused, run_prune
    from bantin.cli.common import current_actor, err, fail, open_cli_app

    try:
        app = open_cli_app()
    except ValidationError as exc:  # a bad BANTIN_* value: name it in one line
        fail("; ".join(("BANTIN_" + "_".join(map(str, e["loc"])).upper() + ": " if e["loc"] else "")
                       + str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()))
    title = "Dọn dữ liệu quá hạn (pruning)" + (" — dry run" if dry_run else "")
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task(title)
        try:
            report = run_prune(app.settings, app.engine, dry_run=dry_run, actor=current_actor(),
                               on_progress=lambda table, n: bar.update(task, description=f"{title}: {table} {n}"))
        except PruneRefused as exc:
            fail(str(exc))
    table = Table("bảng (table)", "giữ từ (kept since)", "sẽ xoá (would delete)" if dry_run else "đã xoá (deleted)")
    office = tuple((name, cutoff) for name, cutoff in OFFICE_PRUNE_TABLES if report.deleted.get(name))
    known = {name for name, _ in (*PRUNE_TABLES, *OFFICE_PRUNE_TABLES)}
    extra = tuple((name, "articles") for name in sorted(set(report.deleted) - known))  # e.g. article_bands
    for name, cutoff in (*PRUNE_TABLES[:5], *extra, *PRUNE_TABLES[5:7], *office, *PRUNE_TABLES[7:]):
        table.add_row(name, report.cutoffs[cutoff].strftime("%Y-%m-%d %H:%M"), str(report.deleted.get(name, 0)))
    out.print(table)
    if report.kept_frozen:
        out.print(f"Giữ lại (kept) {report.kept_frozen} bài quá hạn trong tập đánh giá cố định "
                  "(articles past retention kept: in a frozen evaluation set)")
