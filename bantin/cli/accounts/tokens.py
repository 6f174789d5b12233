"""`bantin tokens ...`: bearer tokens for scripts. A token is printed once (stdout) and stored as its SHA-256."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bantin.cli.accounts.users import account_session
from bantin.cli.common import JsonOpt, err, fmt_time, out, record_audit

tokens_app = typer.Typer(help="Mã truy cập cho script (API tokens for scripts).", no_args_is_help=True)

# A label says what the token is for ("báo cáo tuần (weekly report)"); the column holds 200 characters.
MAX_LABEL_CHARS = 200


@tokens_app.command("create")
def tokens_create(name: Annotated[str, typer.Argument(help="the user the token acts as")],
                  label: Annotated[str | None, typer.Option("--label", help="what the token is for")] = None) -> None:
    """Cấp mã cho một người dùng (issue a token; it is shown once)."""
    from bantin.accounts.tokens import issue_token
    from bantin.accounts.users import AccountError, get_user
    from bantin.cli.common import current_actor

    with account_session() as s:
        if label is not None and len(label) > MAX_LABEL_CHARS:
            raise AccountError(f"label too long: at most {MAX_LABEL_CHARS} characters")
        user = get_user(s, name)
        if user.disabled:
            raise AccountError(f"user {name!r} is disabled")
        token, plain = issue_token(s, user, label, current_actor())
        record_audit(s, "tokens.create", audit_target=f"token:{token.id}", user=user.name, label=label)
        s.commit()
        token_id = token.id
    print(plain, flush=True)
    err.print(f"Mã (token) id {token_id} cho (for) {escape(name)}: mã chỉ hiện một lần, hãy lưu ngay "
              "(it will not be shown again; store it now)", highlight=False, soft_wrap=True)


@tokens_app.command("list")
def tokens_list(as_json: JsonOpt = False) -> None:
    """Liệt kê mã (list tokens: never their secret)."""
    from bantin.accounts.tokens import list_tokens

    with account_session() as s:
        rows = [{"id": t.id, "user": user, "label": t.label, "prefix": t.prefix, "created_by": t.created_by,
                 "created_at": t.created_at.isoformat(),
                 "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                 "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                 "_used": fmt_time(t.last_used_at), "_revoked": fmt_time(t.revoked_at) if t.revoked_at else ""}
                for t, user in list_tokens(s)]
    if as_json:
        print(json.dumps([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
                         ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Mã truy cập (tokens): {len(rows)}")
    for col in ("id", "Người dùng (user)", "Nhãn (label)", "Đầu mã (prefix)", "Dùng cuối (last used)",
                "Thu hồi (revoked)"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), escape(str(r["user"])), escape(str(r["label"] or "—")), f"{r['prefix']}…",
                      str(r["_used"]), str(r["_revoked"]))
    out.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Thu hồi mã (revoke a token: it stops working at once)."""
    from bantin.accounts.tokens import revoke_token

    with account_session() as s:
        token = revoke_token(s, token_id)
        record_audit(s, "tokens.revoke", audit_target=f"token:{token.id}")
        s.commit()
    out.print(f"Mã (token) {token_id}: đã thu hồi (revoked)")
