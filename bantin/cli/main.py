"""The `bantin` command (typer + rich): the app and its command groups, one module per group.

Every command brings the database schema up to date first (through :func:`bantin.app.context.open_app`).
"""

from __future__ import annotations

import typer

from bantin.cli.articles import articles_app
from bantin.cli.crawl import crawl_cmd
from bantin.cli.db import db_app
from bantin.cli.extract_cmd import extract_cmd
from bantin.cli.model import classify_cmd, label_cmd, model_app
from bantin.cli.replay import replay_cmd
from bantin.cli.sources import sources_app

app = typer.Typer(help="bantin — theo dõi báo chí cho tỉnh (press monitoring).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")
app.add_typer(articles_app, name="articles")
app.add_typer(model_app, name="model")
app.command("crawl")(crawl_cmd)
app.command("extract")(extract_cmd)
app.command("replay")(replay_cmd)
app.command("classify")(classify_cmd)
app.command("label")(label_cmd)


def main() -> None:
    from pydantic import ValidationError

    try:
        app()
    except ValidationError as exc:  # a bad BANTIN_* setting: one clear line per problem, no traceback
        from bantin.cli.common import err

        for e in exc.errors():
            where = "BANTIN_" + "_".join(str(p) for p in e["loc"]).upper() + ": " if e["loc"] else ""
            err.print(f"[bold red]Lỗi cấu hình (configuration error):[/] {where}{e['msg']}", highlight=False,
                      soft_wrap=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
