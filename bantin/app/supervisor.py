"""The crawler as a supervised child process of `bantin serve`: started with the server's environment,
restarted with exponential backoff whenever it dies, stopped (SIGTERM, then SIGKILL) with the server.

The health route reads :meth:`CrawlerSupervisor.alive`, ``restarts`` and ``last_exit``.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bantin.store.types import utcnow

log = logging.getLogger("bantin.serve")

# The first restart waits a second: a crash from a passing cause (a locked file) clears quickly.
BACKOFF_INITIAL_S = 1.0
# Each further quick death doubles the wait, up to 5 minutes: a crawler that cannot start (a bad setting,
# an unreachable database) does not spin, and is still retried a dozen times an hour.
BACKOFF_MAX_S = 300.0
# A child that ran this long was healthy: its death starts the backoff from BACKOFF_INITIAL_S again.
STABLE_RUN_S = 600.0
# SIGTERM lets the crawl finish its in-flight items and exit 0 (it takes a few seconds); after this, SIGKILL.
STOP_GRACE_S = 20.0
# How often the supervising thread looks at the child (a death is noticed within this).
POLL_S = 0.2


def crawl_command() -> list[str]:
    """The continuous crawl (`bantin crawl --no-progress`), run by this very interpreter (so the child sees the
    same bantin), that stops when this process dies (:mod:`bantin.app.crawl_child`)."""
    return [sys.executable, "-m", "bantin.app.crawl_child", str(os.getpid())]


def backoff(previous_s: float | None, ran_s: float) -> float:
    """The wait before restarting a child that died after ``ran_s``, given the wait before its start (None:
    it is the first death): BACKOFF_INITIAL_S doubling to BACKOFF_MAX_S, from the start after a stable run."""
    if previous_s is None or ran_s >= STABLE_RUN_S:
        return BACKOFF_INITIAL_S
    return min(previous_s * 2, BACKOFF_MAX_S)


@dataclass(frozen=True)
class Exit:
    code: int  # negative: killed by that signal (subprocess convention)
    at: datetime
    ran_s: float


class CrawlerSupervisor:
    """Runs ``command`` in a child process from a daemon thread and keeps it running until :meth:`stop`."""

    def __init__(self, command: Sequence[str] | None = None, env: dict[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.command = list(command or crawl_command())
        self.env = dict(os.environ if env is None else env)
        self.restarts = 0
        self.last_exit: Exit | None = None
        self._clock = clock
        self._proc: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # --- what the health route reads ---
    def alive(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None else None

    # --- life cycle ---
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="crawler-supervisor", daemon=True)
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stop.is_set():
                return None
            # its own session: a Ctrl-C in the terminal reaches the server only, which then stops the child
            self._proc = subprocess.Popen(self.command, env=self.env, stdin=subprocess.DEVNULL,  # noqa: S603
                                          start_new_session=True)
            return self._proc

    def _run(self) -> None:
        wait: float | None = None
        while not self._stop.is_set():
            started = self._clock()
            try:
                proc = self._spawn()
            except OSError as exc:
                proc = None
                log.error("không chạy được bộ thu thập (cannot start the crawler): %s", exc)
            if proc is None and self._stop.is_set():
                return
            code = self._wait(proc) if proc is not None else 127
            if self._stop.is_set():
                return
            ran = self._clock() - started
            self.last_exit = Exit(code, utcnow(), ran)
            wait = backoff(wait, ran)
            log.warning("bộ thu thập đã dừng (crawler exited) code=%s after %.0f s; khởi động lại sau (restarting "
                        "in) %.0f s, restart #%d", code, ran, wait, self.restarts + 1)
            if self._stop.wait(wait):
                return
            self.restarts += 1

    def _wait(self, proc: subprocess.Popen[bytes]) -> int:
        while True:
            code = proc.poll()
            if code is not None:
                return code
            if self._stop.wait(POLL_S):
                return proc.poll() or 0

    def stop(self, grace_s: float = STOP_GRACE_S) -> int | None:
        """Stop supervising and stop the child: SIGTERM, then SIGKILL after ``grace_s``. Returns its exit code."""
        with self._lock:
            self._stop.set()
            proc = self._proc
        code = None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                log.warning("bộ thu thập không dừng sau %.0f s (crawler ignored SIGTERM): SIGKILL", grace_s)
                proc.kill()
                code = proc.wait()
        elif proc is not None:
            code = proc.returncode
        if self._thread is not None:
            self._thread.join(timeout=POLL_S * 10)
        return code
