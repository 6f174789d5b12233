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
