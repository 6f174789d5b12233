"""`bantin serve [--host 127.0.0.1] [--port 8000] [--no-crawl] [--workers N]`: the API, the crawler and the periodic jobs.

A port in use (or any address that cannot be listened on) is one line and exit 2; SIGINT / SIGTERM stop
the server and the crawler, and exit 0.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bantin.app.serve import MAX_WORKERS
from bantin.cli.common import fail

# Log lines of the server, the supervisor and the jobs: time, level, which part, the message.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="địa chỉ nghe (address to listen on)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0: any free port")] = 8000,
    crawl: Annotated[bool, typer.Option("--crawl/--no-crawl", help="also run the crawler (supervised)")] = True,
    workers: Annotated[int, typer.Option("--workers", min=1, max=MAX_WORKERS,
                                         help="API processes (one per core; they share the rate limit and the login throttle)")] = 1,
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips",
        help="behind a reverse proxy: its IPs (comma-separated); X-Forwarded-* are trusted only from them")] = None,
) -> None:
    """Chạy máy chủ: API, thu thập và việc định kỳ (run the API, the crawler and the periodic jobs)."""
    import logging

    from bantin.app.context import open_app
    from bantin.app.serve import ServeBindError, ServeOptions, bind_listener, run

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migrations say enough in `bantin db upgrade`
    try:  # before opening the database: a port in use is reported without touching anything
        sock = bind_listener(host, port)
    except ServeBindError as exc:
        fail(str(exc), 2)
        return
    ctx = open_app()
    opts = ServeOptions(host=host, port=port, crawl=crawl, forwarded_allow_ips=forwarded_allow_ips,
                        workers=workers)
    raise typer.Exit(run(ctx, opts, say=lambda line: print(line, flush=True), sock=sock))
