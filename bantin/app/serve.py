"""`bantin serve` wiring: the API on uvicorn, the crawler as a supervised child process and the periodic
jobs on a thread, started together and stopped together (SIGINT / SIGTERM: exit 0).

The listening socket is bound here, before anything starts, so a port in use is one clear error
(:class:`ServeBindError`) instead of uvicorn's log line and ``sys.exit(1)``.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bantin.app.context import AppContext

log = logging.getLogger("bantin.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Connections waiting to be accepted: an office's few dozen browsers never queue more.
LISTEN_BACKLOG = 128
# Seconds uvicorn lets open requests finish after a stop signal (an export streams longer: it is cut).
GRACEFUL_SHUTDOWN_S = 10
# What each worker process imports to build its app (when --workers > 1).
WORKER_APP = "bantin.app.asgi:app_from_environment"
# At most one API process per core is useful; more only share the same cores and multiply the connections.
MAX_WORKERS = 16
ADMIN_HINT = "bantin users create NAME --role admin --password-stdin"


class ServeBindError(OSError):
    """The address cannot be listened on (a port in use, an unknown host, no permission)."""


def cannot_listen(host: str, port: int, exc: OSError) -> ServeBindError:
    """The one-line error for an address that cannot be listened on (a port in use, no permission)."""
    return ServeBindError(f"không nghe được trên (cannot listen on) {host}:{port}: {exc.strerror or exc} "
                          "(chọn --port khác, choose another --port)")


def bind_listener(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port`` 0: any free port)."""
    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                          flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise ServeBindError(f"không tìm thấy địa chỉ (unknown host) {host!r}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart right after a stop still binds
        sock.bind(addr)
        sock.listen(LISTEN_BACKLOG)
    except OSError as exc:
        sock.close()
        raise cannot_listen(host, port, exc) from None
    sock.set_inheritable(False)  # the crawler child must not hold the server's port
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):  # noqa: S104 - only naming the address the operator chose
        shown = "127.0.0.1"
    return f"http://{shown}:{port}"


def has_admin(ctx: AppContext) -> bool:
    from sqlalchemy import func, select

    from bantin.store.office import User

    with ctx.read_sessions() as s:
        return bool(s.scalar(select(func.count()).select_from(User)
                             .where(User.role == "admin", User.disabled.is_(False))))


def start_message(url: str, admin: bool, crawling: bool) -> list[str]:
    lines = [f"bantin đang chạy tại (is running at) {url}/",
             f"  API: {url}/api/v1 — mô tả (schema) {url}/api/docs, cần đăng nhập hoặc mã truy cập "
             "(needs a login or a token: bantin tokens create NAME)",
             f"  Tình trạng (health): {url}/api/v1/health"]
    if not crawling:
        lines.append("  Không thu thập (--no-crawl): chỉ chạy API (the API only)")
    if not admin:
        lines.append("  Chưa có tài khoản quản trị (no admin user yet); tạo bằng (create one with):")
        lines.append(f"    {ADMIN_HINT}")
    lines.append("  Nhấn Ctrl-C để dừng (Ctrl-C to stop).")
    return lines


@dataclass
class ServeOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    crawl: bool = True
    forwarded_allow_ips: str | None = None  # proxy headers are trusted only from these (None: not at all)
    log_level: str = "info"
    workers: int = 1  # API processes; more than one: uvicorn's supervisor runs them (see _worker_processes)
    access_log: bool | None = None  # uvicorn's line per request; None: Settings.access_log (the audit log is kept regardless)


def _config(app: Any, opts: ServeOptions, **extra: Any) -> Any:
    import uvicorn

    proxied = opts.forwarded_allow_ips is not None
    return uvicorn.Config(app, host=opts.host, port=opts.port, proxy_headers=proxied,
                          forwarded_allow_ips=opts.forwarded_allow_ips if proxied else None,
                          server_header=False, log_level=opts.log_level, access_log=bool(opts.access_log),
                          timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, **extra)


def _one_process(ctx: AppContext, opts: ServeOptions, sock: socket.socket, supervisor: Any) -> Callable[[], bool]:
    """The API in this process (its event loop on this thread); the health route sees the supervisor."""
    import uvicorn

    from bantin.api.app import create_app

    app = create_app(ctx)
    app.state.supervisor = supervisor
    server = uvicorn.Server(_config(app, opts))

    def serve() -> bool:
        def _stop(signum: int, frame: object) -> None:  # before uvicorn's handlers, and after it re-raises
            server.should_exit = True

        main = threading.current_thread() is threading.main_thread()
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)} if main else {}
        try:
            server.run(sockets=[sock])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return bool(server.started or server.should_exit)

    return serve


def _worker_processes(opts: ServeOptions, sock: socket.socket) -> Callable[[], bool]:
    """``opts.workers`` API processes, each accepting on a socket of its own in one SO_REUSEPORT group on
    ``sock``'s address (app/workers.py: the kernel spreads connections; uvicorn's supervisor restarts a dead or
    hung worker and stops them all on SIGINT / SIGTERM). Each worker opens the database from the same settings
    (the environment) and has its own group committer and rate-limit counters (each allowing 1/N of the limit);
    the login throttle counts in the database, so all workers share it."""
    from bantin.app.workers import SocketPerWorker, reuseport_group

    # the workers build their settings from the environment: tell them how many share the rate limit
    os.environ["BANTIN_API_WORKERS"] = str(opts.workers)
    host, port = sock.getsockname()[:2]
    try:
        group = reuseport_group(sock, opts.workers, LISTEN_BACKLOG)
    except OSError as exc:
        raise cannot_listen(host, port, exc) from None
    multi = SocketPerWorker(_config(WORKER_APP, opts, factory=True, workers=opts.workers), group)

    def serve() -> bool:
        try:
            multi.run()
        finally:
            for s in group:
                s.close()
        return True

    return serve


def run(ctx: AppContext, opts: ServeOptions, say: Callable[[str], Any] = print,
        sock: socket.socket | None = None) -> int:
    """Serve until SIGINT / SIGTERM on ``sock`` (default: bound now); returns the exit code (0 on a signal)."""
    from bantin.app.jobs import JobRunner, default_jobs
    from bantin.app.supervisor import CrawlerSupervisor

    sock = sock or bind_listener(opts.host, opts.port)
    if opts.access_log is None:
        opts = replace(opts, access_log=ctx.settings.access_log)
    supervisor = CrawlerSupervisor() if opts.crawl else None
    url = base_url(sock)  # before the workers' sockets replace it
    serve = _one_process(ctx, opts, sock, supervisor) if opts.workers <= 1 else _worker_processes(opts, sock)
    jobs = JobRunner(default_jobs(ctx))
    ok = False
    try:
        if supervisor is not None:
            supervisor.start()
        jobs.start()
        for line in start_message(url, has_admin(ctx), supervisor is not None):
            say(line)
        ok = serve()
    finally:
        jobs.stop()
        if supervisor is not None:
            code = supervisor.stop()
            log.info("bộ thu thập đã dừng (crawler stopped) code=%s", code)
        sock.close()
    return 0 if ok else 1
