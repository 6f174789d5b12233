"""`bantin alerts rules add|list|remove` (audited with the operator's login) and `bantin alerts run`: evaluate
the rules once and deliver the outbox once, printing what fired (issue #11). Refusals are one line, exit 1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from bantin.cli.common import JsonOpt, current_actor, expected_errors, fmt_time, out, record_audit

rules_app = typer.Typer(help="Quy tắc cảnh báo (alert rules).", no_args_is_help=True)


@contextmanager
def rules_session() -> Iterator[Any]:
    """A write session; refusals of alert rules (a bad kind or topic, a duplicate name) are one line, exit 1."""
    from bantin.alerts.rules import RuleError
    from bantin.cli.common import refusing_session

    with refusing_session(RuleError) as s:
        yield s


@rules_app.command("add")
def rules_add(
        name: Annotated[str, typer.Argument(help="tên quy tắc (rule name; subscriptions follow it by name)")],
        kind: Annotated[str, typer.Option("--kind", help="new_primary_story | foreign_coverage | volume_spike | "
                                          "source_quiet")],
        topic: Annotated[list[str] | None, typer.Option("--topic", help="chủ đề (topic key), repeatable")] = None,
        cooldown: Annotated[int | None, typer.Option("--cooldown", help="phút im lặng sau một cảnh báo "
                                                     "(minutes of silence after an alert)")] = None,
        saved_search: Annotated[int | None, typer.Option("--saved-search", help="số tìm kiếm đã lưu: lọc tin "
                                                         "(saved search id: its filters narrow the stories)")] = None,
) -> None:
    """Thêm quy tắc cảnh báo (add an alert rule)."""
    from bantin.alerts.rules import DEFAULT_COOLDOWN_MINUTES, add_rule

    with rules_session() as s:
        rule = add_rule(s, name, kind, topics=topic or [], created_by=current_actor(), saved_search_id=saved_search,
                        cooldown_minutes=DEFAULT_COOLDOWN_MINUTES if cooldown is None else cooldown)
        record_audit(s, "alert_rules.add", audit_target=f"alert_rule:{rule.id}", name=rule.name, kind=rule.kind,
                     topics=topic or [], cooldown_minutes=rule.cooldown_minutes, saved_search_id=saved_search)
        s.commit()
        out.print(f"Đã thêm quy tắc (added rule) [bold]{escape(rule.name)}[/] ({rule.kind}), id {rule.id}")


@rules_app.command("list")
def rules_list(as_json: JsonOpt = False) -> None:
    """Liệt kê quy tắc cảnh báo (list alert rules)."""
    from bantin.alerts.rules import list_rules, topic_list

    with rules_session() as s:
        rows: list[dict[str, Any]] = [{"id": r.id, "name": r.name, "kind": r.kind, "topics": topic_list(r), "enabled": r.enabled,
                 "cooldown_minutes": r.cooldown_minutes, "saved_search_id": r.saved_search_id, "last_evaluated_at": r.last_evaluated_at,
                 "created_by": r.created_by} for r in list_rules(s)]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return
    table = Table(title=f"Quy tắc cảnh báo (alert rules): {len(rows)}")
    for col in ("id", "name", "kind", "topics", "cooldown", "last run"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), escape(r["name"]), r["kind"], ", ".join(r["topics"]) or "*",
                      str(r["cooldown_minutes"]), fmt_time(r["last_evaluated_at"]) if r["last_evaluated_at"] else "")
    out.print(table)


@rules_app.command("remove")
def rules_remove(name: Annotated[str, typer.Argument(help="tên quy tắc (rule name)")]) -> None:
    """Xóa quy tắc (remove a rule; its alerts stay as history)."""
    from bantin.alerts.rules import remove_rule

    with rules_session() as s:
        rule = remove_rule(s, name)
        record_audit(s, "alert_rules.remove", audit_target=f"alert_rule:{rule.id}", name=rule.name)
        s.commit()
        out.print(f"Đã xóa quy tắc (removed rule) {escape(rule.name)}")


def alerts_run(as_json: JsonOpt = False) -> None:
    """Chạy các quy tắc một lần và gửi hộp thư đi (evaluate the rules once, then deliver the outbox once)."""
    from bantin.alerts.evaluate import evaluate_rules
    from bantin.cli.common import open_cli_app
    from bantin.delivery.sender import deliver_due

    with expected_errors():
        ctx = open_cli_app()
        try:
            fired = evaluate_rules(ctx, actor=current_actor())
            counts = deliver_due(ctx)
        finally:
            ctx.engine.dispose()
    if as_json:
        print(json.dumps({"fired": [vars(f) for f in fired], "delivery": counts}, ensure_ascii=False, indent=1))
        return
    for f in fired:
        out.print(f"{escape(f.rule)}  {escape(f.why)}  (thư/emails {f.emails}, webhooks {f.webhooks})",
                  highlight=False, soft_wrap=True)
    sent = counts.get("delivery/email_sent", 0) + counts.get("delivery/webhook_sent", 0)
    out.print(f"{len(fired)} cảnh báo mới (new alerts); đã gửi (sent) {sent}", highlight=False)
