"""`bantin outbox ...` (deliver the outbox once, see what waits in it) and `bantin webhooks ...` (endpoints;
a secret is shown once, when it is created). docs/delivery.md."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bantin.cli.common import JsonOpt, current_actor, fmt_time, out, record_audit
from bantin.cli.delivery.subscriptions import delivery_session

outbox_app = typer.Typer(help="Hộp thư đi (the outbox: email and webhooks).", no_args_is_help=True)
webhooks_app = typer.Typer(help="Webhook (endpoints that receive signed JSON).", no_args_is_help=True)

# `outbox list` shows the newest rows only: the table is a queue, not an archive to page through.
MAX_LISTED = 1000


@outbox_app.command("deliver")
def outbox_deliver(as_json: JsonOpt = False) -> None:
    """Gửi những gì đến hạn một lần (deliver what is due, once); `bantin serve` does it every minute."""
    from bantin.cli.common import expected_errors, open_cli_app
    from bantin.delivery.sender import deliver_due

    with expected_errors():
        ctx = open_cli_app()
        try:
            counts = deliver_due(ctx)
        finally:
            ctx.engine.dispose()
    if as_json:
        print(json.dumps(counts, indent=2, sort_keys=True))
        return
    table = Table(title="Hộp thư đi (outbox): lần gửi này (this run)")
    table.add_column("Quyết định (decision)")
    table.add_column("Số (count)", justify="right")
    for key, n in sorted(counts.items()):
        table.add_row(key, str(n))
    out.print(table if counts else "Không có gì đến hạn (nothing due).")


@outbox_app.command("list")
def outbox_list(state: Annotated[str | None, typer.Option("--state", help="queued|sending|failed|sent|dead")] = None,
                limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_LISTED)] = 50) -> None:
    """Các thư gần nhất (the newest outbox rows and their state)."""
    from sqlalchemy import select

    from bantin.store.delivery import OutboxMessage

    with delivery_session() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if state:
            query = query.where(OutboxMessage.state == state)
        rows = list(s.scalars(query))
    table = Table(title=f"Hộp thư đi (outbox): {len(rows)}")
    for col in ("id", "kind", "key", "to", "state", "attempts", "next", "last error"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r.id), r.kind, escape(r.dedup_key), escape(r.recipient or f"webhook:{r.endpoint_id}"),
                      r.state, str(r.attempts), fmt_time(r.next_attempt_at) if r.state == "failed" else "",
                      escape(r.last_error or ""))
    out.print(table)


@webhooks_app.command("add")
def webhooks_add(name: str, url: str) -> None:
    """Thêm webhook (add an endpoint); its signing secret is printed once and never shown again."""
    from bantin.delivery.webhooks import add_endpoint

    with delivery_session() as s:
        endpoint, secret = add_endpoint(s, name, url, current_actor())
        record_audit(s, "webhooks.add", audit_target=f"webhook:{endpoint.id}", name=endpoint.name, url=endpoint.url)
        s.commit()
    out.print(f"Đã thêm (added) webhook [bold]{escape(endpoint.name)}[/] → {escape(endpoint.url)}")
    out.print(f"Khóa ký (signing secret, shown once): {secret}", soft_wrap=True)


@webhooks_app.command("list")
def webhooks_list() -> None:
    """Liệt kê webhook (list endpoints; secrets are never shown)."""
    from sqlalchemy import select

    from bantin.store.delivery import WebhookEndpoint

    with delivery_session() as s:
        rows = list(s.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.name)))
    table = Table(title=f"Webhook: {len(rows)}")
    for col in ("id", "Tên (name)", "URL", "Trạng thái (state)"):
        table.add_column(col)
    for e in rows:
        state = "bật (enabled)" if e.enabled else f"tắt (disabled) {fmt_time(e.disabled_at)}: {e.disabled_reason or ''}"
        table.add_row(str(e.id), escape(e.name), escape(e.url), escape(state))
    out.print(table)


@webhooks_app.command("enable")
def webhooks_enable(name: str) -> None:
    """Bật lại webhook (enable an endpoint again, e.g. after a 410)."""
    from bantin.delivery.webhooks import find_endpoint

    with delivery_session() as s:
        endpoint = find_endpoint(s, name)
        endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = True, None, None
        record_audit(s, "webhooks.enable", audit_target=f"webhook:{endpoint.id}")
        s.commit()
    out.print(f"{escape(name)}: bật (enabled)")


@webhooks_app.command("remove")
def webhooks_remove(name: str) -> None:
    """Xóa webhook (remove an endpoint; its queued messages are not sent)."""
    from bantin.delivery.webhooks import find_endpoint

    with delivery_session() as s:
        endpoint = find_endpoint(s, name)
        record_audit(s, "webhooks.remove", audit_target=f"webhook:{endpoint.id}", name=endpoint.name)
        s.delete(endpoint)
        s.commit()
    out.print(f"Đã xóa (removed) webhook {escape(name)}")
