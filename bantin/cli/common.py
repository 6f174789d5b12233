"""Shared pieces of the analysts' commands (:mod:`bantin.cli.model` and the ``cli_*`` modules): the rich
consoles (results on stdout, messages and progress bars on stderr), the typer option types several commands
share, the audit actor, and :func:`expected_errors` (the translation of :mod:`bantin.cli.errors`, for command
groups mounted without the root group, as the tests mount them). Heavy imports (the
database, scikit-learn) happen inside the functions so `bantin --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

out = Console()
err = Console(stderr=True)

DataOpt = Annotated[Path, typer.Option("--data", help="FILE.jsonl[.gz], rows with `text` and `label`")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON output")]
ProgressOpt = Annotated[bool, typer.Option("--progress/--no-progress", help="progress bar on stderr (a terminal)")]


def fmt_time(dt: datetime | None) -> str:
    """A timestamp as the tables show it (minutes), or an em dash."""
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "—"


def current_actor() -> str:
    from bantin.app.audit import cli_actor

    return cli_actor()


def record_audit(session: Any, action: str, **detail: Any) -> None:
    from bantin.app.audit import record

    record(session, current_actor(), action, **detail)


def fail(message: str, code: int = 1) -> None:
    from rich.markup import escape

    err.print(f"[bold red]Lỗi (error):[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def expected_errors() -> Iterator[None]:
    """Turn the errors a user can act on into one line and an exit code (bantin.cli.errors), no traceback."""
    from bantin.cli.errors import report

    try:
        yield
    except Exception as exc:
        code = report(exc)
        if code is None:
            raise
        raise typer.Exit(code) from None


@contextmanager
def progress_bar(description: str, total: float | None, enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar on stderr (only on a terminal); yields ``advance(n)`` / ``update(completed)``."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=err, disable=not (enabled and err.is_terminal), transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda completed: bar.update(task, completed=completed)


def open_cli_app() -> Any:
    from bantin.app.context import open_app

    return open_app(seed_sources=False)


@contextmanager
def refusing_session(*refusals: type[Exception]) -> Iterator[Any]:
    """A write session on the configured database; the ``refusals`` (a domain's own errors: a duplicate, an
    unknown name) become one line and exit 1, other expected errors as ``expected_errors`` says."""
    with expected_errors():
        ctx = open_cli_app()
        try:
            with ctx.sessions() as s:
                yield s
        except refusals as exc:
            fail(str(exc))
        finally:
            ctx.engine.dispose()
