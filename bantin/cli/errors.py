"""The one place where errors a user can cause or meet become a line on stderr and an exit code.

Exit 1: the request was refused on its merits (a bad data or sources file, an unknown label, the registry's
promotion gate, a page that is not a feed, a source that cannot be removed). Exit 2: bantin cannot run as
configured (a ``BANTIN_*`` setting, the database, a file or port, a host that cannot be fetched, a replay
directory with nothing to serve). A secret in a URL is masked (``postgresql://bantin:***@host/db``). Any other
exception is a bug and keeps its traceback. A closed stdout (``bantin articles export | head``) is left to
typer, which exits quietly (code 1). The root command group (:class:`BantinGroup`) and :func:`cli.common.expected_errors`
both use :func:`describe`, so every command reports alike.
"""

from __future__ import annotations

import errno
import re
import sys
from typing import Any

import typer
from typer.core import TyperGroup

REFUSED = 1
CANNOT_RUN = 2
# One screen line: drivers append hints, DSNs and URLs beyond this, which the user does not need.
MAX_MESSAGE_CHARS = 300

_URL_SECRET = re.compile(r"(?P<keep>\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*@", re.IGNORECASE)
_KV_SECRET = re.compile(r"(?P<keep>\bpassword\s*=\s*)\S+", re.IGNORECASE)

# (module, class name, exit code): looked up only when the module is already loaded, since an instance of
# the class can only exist then; this keeps the error path from importing scikit-learn or the replay server.
_KNOWN: tuple[tuple[str, str, int], ...] = (
    ("bantin.sources.add", "SourceFetchError", CANNOT_RUN),  # before its base class AddSourceError
    ("bantin.sources.add", "AddSourceError", REFUSED),
    ("bantin.sources.registry", "SourcesFileError", REFUSED),
    ("bantin.sources.registry", "SourceCommandError", REFUSED),
    ("bantin.classify.io", "DataFileError", REFUSED),
    ("bantin.classify.labels", "LabelError", REFUSED),
    ("bantin.classify.registry.store", "RegistryError", REFUSED),
    ("bantin.replay.server", "ReplayBindError", CANNOT_RUN),
    ("bantin.replay.server", "ReplayRootError", CANNOT_RUN),
)


def mask(text: str) -> str:
    """``scheme://user:secret@host`` -> ``scheme://user:***@host``; ``password=secret`` -> ``password=***``."""
    return _KV_SECRET.sub(r"\g<keep>***", _URL_SECRET.sub(r"\g<keep>***@", text))


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return mask(line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…")


def _database_url() -> str:
    try:
        from bantin.app.settings import get_settings

        return mask(get_settings().resolved_database_url)
    except Exception:  # noqa: BLE001 - the settings themselves may be what failed
        return "BANTIN_DATABASE_URL"


def _settings_message(exc: Any) -> str:
    parts = []
    for e in exc.errors():
        msg = str(e["msg"]).removeprefix("Value error, ")
        if e["loc"]:
            name = "BANTIN_" + "_".join(str(p) for p in e["loc"]).upper()
            parts.append(f"{name}: {msg} (got {e['input']!r})" if isinstance(e["input"], str) else f"{name}: {msg}")
        else:
            parts.append(msg)
    return "cấu hình sai (bad setting): " + "; ".join(parts)


def describe(exc: BaseException) -> tuple[str, int] | None:
    """(one-line message, exit code) for an error the user can act on; None for a bug or click's own exits."""
    from pydantic import ValidationError
    from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

    if isinstance(exc, ValidationError) and exc.title == "Settings":
        return _one_line(_settings_message(exc)), CANNOT_RUN
    if isinstance(exc, ArgumentError):  # an unparsable or unknown database URL
        return _one_line(f"BANTIN_DATABASE_URL: {exc}"), CANNOT_RUN
    if isinstance(exc, (OperationalError, InterfaceError)):
        cause = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        return _one_line(f"không dùng được cơ sở dữ liệu (database unavailable) {_database_url()} "
                         f"(BANTIN_DATABASE_URL): {cause}"), CANNOT_RUN
    for module, name, code in _KNOWN:
        cls = getattr(sys.modules.get(module), name, None)
        if cls is not None and isinstance(exc, cls):
            return _one_line(str(exc)), code
    if isinstance(exc, OSError) and exc.errno != errno.EPIPE:
        what = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
        return _one_line(f"tệp hoặc thiết bị (file or device) {what}"), CANNOT_RUN
    return None


def report(exc: BaseException) -> int | None:
    """Print ``exc`` as one line on stderr and return its exit code, or None when it is not the user's to act on."""
    described = describe(exc)
    if described is None:
        return None
    from rich.markup import escape

    from bantin.cli.common import err

    message, code = described
    err.print(f"[bold red]Lỗi (error):[/] {escape(message)}", highlight=False, soft_wrap=True)
    return code


class BantinGroup(TyperGroup):
    """The root ``bantin`` group: every subcommand runs inside :func:`report`."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:  # typer's own exits and usage errors are not described: they pass through
            code = report(exc)
            if code is None:
                raise
            raise typer.Exit(code) from None
