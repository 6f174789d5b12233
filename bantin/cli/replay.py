"""`bantin replay DIR`: the offline replay server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def replay_cmd(
    directory: Path,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8765,
) -> None:
    """Máy chủ phát lại trang và feed thật trên loopback (offline replay server)."""
    from bantin.replay.main import serve

    serve(directory, host, port)

