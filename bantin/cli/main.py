"""The `bantin` command (typer + rich): the app and its command groups, one module per group.

Every command brings the database schema up to date first (through :func:`bantin.app.context.open_app`).
Errors a user can act on (a bad setting, an unreachable database, a missing directory, a port in use) are
reported in one line with exit code 2 by the root group, :class:`bantin.cli.errors.BantinGroup`.
"""

from __future__ import annotations

import typer

from bantin.cli.accounts.tokens import tokens_app
from bantin.cli.accounts.users import users_app
from bantin.cli.articles import articles_app
from bantin.cli.crawl import crawl_cmd
from bantin.cli.db import db_app
from bantin.cli.delivery.alerts import alerts_app
from bantin.cli.delivery.digest import digest_app
from bantin.cli.delivery.outbox import outbox_app, webhooks_app
from bantin.cli.delivery.subscriptions import subscriptions_app
from bantin.cli.demo import demo_cmd
from bantin.cli.errors import BantinGroup
from bantin.cli.extract_cmd import extract_cmd
from bantin.cli.model import classify_cmd, label_cmd, model_app
from bantin.cli.replay import replay_cmd
from bantin.cli.serve import serve_cmd
from bantin.cli.sources import sources_app

app = typer.Typer(cls=BantinGroup, help="bantin — theo dõi báo chí cho tỉnh (press monitoring).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")
app.add_typer(articles_app, name="articles")
app.add_typer(alerts_app, name="alerts")
app.add_typer(model_app, name="model")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(subscriptions_app, name="subscriptions")
app.add_typer(outbox_app, name="outbox")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(digest_app, name="digest")
app.command("crawl")(crawl_cmd)
app.command("extract")(extract_cmd)
app.command("replay")(replay_cmd)
app.command("serve")(serve_cmd)
app.command("classify")(classify_cmd)
app.command("label")(label_cmd)
app.command("demo")(demo_cmd)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
