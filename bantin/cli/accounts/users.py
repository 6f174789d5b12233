"""`bantin users ...`: the office's staff accounts (principle 1: staff, never people in the news).

Passwords come only from stdin (``--password-stdin``), never from the command line, where ``ps`` and the
shell history would keep them. Every change is audited with the operator's login as the actor.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from bantin.cli.common import JsonOpt, fail, fmt_time, out, record_audit

users_app = typer.Typer(help="Người dùng và quyền (staff accounts and roles).", no_args_is_help=True)

# A password line on stdin is at most this long (accounts.users.MAX_PASSWORD_CHARS, plus a line ending).
MAX_STDIN_CHARS = 1100

PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="đọc mật khẩu từ stdin (read the password from stdin)")]
RoleArg = Annotated[str, typer.Argument(help="viewer | reviewer | analyst | admin")]


def read_password() -> str:
    """The first line of stdin, without its line ending."""
    text = sys.stdin.read(MAX_STDIN_CHARS)
    password = text.splitlines()[0] if text else ""
    if not password:
        fail("không có mật khẩu trên stdin (no password on stdin)")
    return password


@contextmanager
def account_session() -> Iterator[Any]:
    """A write session on the configured database; account errors become one line and exit 1."""
    from bantin.accounts.users import AccountError
    from bantin.cli.common import refusing_session

    with refusing_session(AccountError) as s:
        yield s


@users_app.command("create")
def users_create(name: str, role: Annotated[str, typer.Option("--role", help="viewer | reviewer | analyst | admin")],
                 password_stdin: PasswordStdin = False,
                 display_name: Annotated[str | None, typer.Option("--display-name")] = None) -> None:
    """Tạo người dùng (create a user). Without --password-stdin the account can only use API tokens."""
    from bantin.accounts.users import create_user

    password = read_password() if password_stdin else None
    with account_session() as s:
        user = create_user(s, name, role, password, display_name)
        record_audit(s, "users.create", audit_target=f"user:{user.name}", role=role, password=password is not None)
        s.commit()
        out.print(f"Đã tạo (created) [bold]{escape(user.name)}[/] ({role}), id {user.id}")


@users_app.command("list")
def users_list(as_json: JsonOpt = False) -> None:
    """Liệt kê người dùng (list users)."""
    from bantin.accounts.users import list_users

    with account_session() as s:
        rows = [{"id": u.id, "name": u.name, "display_name": u.display_name, "role": u.role, "disabled": u.disabled,
                 "password": u.password_hash is not None, "created_at": u.created_at.isoformat(),
                 "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
                 "_last": fmt_time(u.last_login_at)} for u in list_users(s)]
    if as_json:
        print(json.dumps([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
                         ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Người dùng (users): {len(rows)}")
    for col in ("id", "Tên (name)", "Quyền (role)", "Trạng thái (state)", "Đăng nhập cuối (last login)"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), escape(str(r["name"])), str(r["role"]),
                      "tắt (disabled)" if r["disabled"] else "bật (enabled)", str(r["_last"]))
    out.print(table)


def _set_disabled(name: str, disabled: bool) -> None:
    from bantin.accounts.users import set_disabled

    with account_session() as s:
        user = set_disabled(s, name, disabled)
        record_audit(s, "users.disable" if disabled else "users.enable", audit_target=f"user:{user.name}")
        s.commit()
    out.print(f"{escape(name)}: {'đã tắt (disabled)' if disabled else 'đã bật (enabled)'}")


@users_app.command("disable")
def users_disable(name: str) -> None:
    """Tắt tài khoản (disable a user: sessions end, tokens stop working)."""
    _set_disabled(name, True)


@users_app.command("enable")
def users_enable(name: str) -> None:
    """Bật lại tài khoản (enable a user again)."""
    _set_disabled(name, False)


@users_app.command("set-role")
def users_set_role(name: str, role: RoleArg) -> None:
    """Đổi quyền (change a user's role)."""
    from bantin.accounts.users import get_user, set_role

    with account_session() as s:
        user = get_user(s, name)
        before = user.role
        set_role(s, user, role)
        record_audit(s, "users.set_role", audit_target=f"user:{user.name}", before=before, role=role)
        s.commit()
    out.print(f"{escape(name)}: {before} → {role}")


@users_app.command("set-password")
def users_set_password(name: str, password_stdin: PasswordStdin = False) -> None:
    """Đặt mật khẩu (set a user's password, read from stdin)."""
    from bantin.accounts.users import get_user, set_password

    if not password_stdin:
        fail("mật khẩu chỉ đọc từ stdin (the password is read from stdin only): add --password-stdin")
    password = read_password()
    with account_session() as s:
        user = set_password(s, get_user(s, name), password)
        record_audit(s, "users.set_password", audit_target=f"user:{user.name}")
        s.commit()
    out.print(f"{escape(name)}: đã đặt mật khẩu (password set)")
