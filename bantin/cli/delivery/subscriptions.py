"""`bantin subscriptions ...`: who gets the daily digest and alerts (addresses the office sends its own
bulletins to: principle 1, docs/principles.md). Every change is audited with the operator's login."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from bantin.cli.common import JsonOpt, fail, fmt_time, out, record_audit

subscriptions_app = typer.Typer(help="Đăng ký nhận bản tin và cảnh báo (subscriptions).", no_args_is_help=True)

# `list` shows at most this many rows (an office has dozens of subscribers, not thousands).
MAX_LISTED = 10_000


@contextmanager
def delivery_session() -> Iterator[Any]:
    """A write session; refusals of delivery (a bad address, a duplicate, an unknown name) are one line, exit 1."""
    from bantin.cli.common import refusing_session
    from bantin.delivery.subscriptions import SubscriptionError
    from bantin.delivery.webhooks import WebhookError

    with refusing_session(SubscriptionError, WebhookError) as s:
        yield s


@subscriptions_app.command("add")
def subscriptions_add(
        email: Annotated[str, typer.Argument(help="địa chỉ thư (email address)")],
        name: Annotated[str | None, typer.Option("--name", help="tên hiển thị (display name)")] = None,
        digest: Annotated[str, typer.Option("--digest", help="none | daily")] = "none",
        rule: Annotated[list[str] | None, typer.Option("--rule", help="tên quy tắc cảnh báo (alert rule), repeatable")] = None,
        topic: Annotated[list[str] | None, typer.Option("--topic", help="chủ đề của điểm báo (digest topic key), "
                                                        "repeatable; default every topic")] = None,
) -> None:
    """Thêm người nhận (add a subscription)."""
    from bantin.classify.topics.taxonomy import TOPIC_KEYS

    unknown = sorted({t for t in topic or [] if t not in TOPIC_KEYS})
    if unknown:
        fail(f"chủ đề không có (unknown topics) {', '.join(t[:40] for t in unknown[:5])}; "
             f"dùng (use): {', '.join(TOPIC_KEYS)}")
    from bantin.delivery.subscriptions import add_subscription
    from bantin.delivery.unsubscribe import unsubscribe_url

    with delivery_session() as s:
        from bantin.cli.common import current_actor

        sub = add_subscription(s, email, name=name, digest=digest, rules=rule or [], topics=topic or [],
                               created_by=current_actor())
        record_audit(s, "subscriptions.add", audit_target=f"subscription:{sub.id}", email=sub.email,
                     digest=sub.digest, rules=rule or [], topics=topic or [])
        s.commit()
        from bantin.app.settings import get_settings

        link = unsubscribe_url(sub, get_settings())
    out.print(f"Đã thêm (added) [bold]{escape(sub.email)}[/] (digest: {sub.digest}), id {sub.id}")
    out.print(f"Hủy đăng ký (unsubscribe link): {escape(link)}", soft_wrap=True)


@subscriptions_app.command("list")
def subscriptions_list(as_json: JsonOpt = False) -> None:
    """Liệt kê người nhận (list subscriptions; flagged addresses need an admin's look)."""
    from bantin.delivery.subscriptions import list_subscriptions, rule_names, topic_keys

    with delivery_session() as s:
        subs = list_subscriptions(s, MAX_LISTED)
        rows: list[dict[str, Any]] = [{"id": x.id, "email": x.email, "name": x.name, "digest": x.digest, "rules": rule_names(x),
                 "topics": topic_keys(x), "active": x.active, "unsubscribed_at": x.unsubscribed_at.isoformat() if x.unsubscribed_at else None,
                 "flagged_at": x.flagged_at.isoformat() if x.flagged_at else None, "flag_reason": x.flag_reason,
                 "_unsub": x.unsubscribed_at, "_flag": x.flagged_at} for x in subs]
    if as_json:
        print(json.dumps([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
                         ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Người nhận (subscriptions): {len(rows)}")
    for col in ("id", "Địa chỉ (email)", "Tên (name)", "Bản tin (digest)", "Quy tắc (rules)", "Trạng thái (state)",
                "Cảnh báo địa chỉ (flagged)"):
        table.add_column(col)
    for r in rows:
        state = "đang nhận (active)" if r["active"] else f"đã hủy (unsubscribed) {fmt_time(r['_unsub'])}"
        flag = f"{fmt_time(r['_flag'])} {r['flag_reason'] or ''}" if r["_flag"] else ""
        table.add_row(str(r["id"]), escape(str(r["email"])), escape(r["name"] or ""), str(r["digest"]),
                      escape(", ".join(r["rules"])), state, escape(flag))
    out.print(table)


@subscriptions_app.command("remove")
def subscriptions_remove(email: Annotated[str, typer.Argument(help="địa chỉ thư (email address)")]) -> None:
    """Xóa người nhận (remove a subscription; its queued messages are not sent)."""
    from bantin.delivery.subscriptions import remove_subscription

    with delivery_session() as s:
        sub = remove_subscription(s, email)
        record_audit(s, "subscriptions.remove", audit_target=f"subscription:{sub.id}", email=sub.email)
        s.commit()
    out.print(f"Đã xóa (removed) {escape(sub.email)}")
