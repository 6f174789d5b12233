"""Periodic jobs of `bantin serve`, on one background thread (never the event loop): tracking published
responses' originals (:mod:`bantin.responses.tracking`), pruning expired web sessions, and delivering the
outbox (:func:`bantin.delivery.sender.deliver_due`), evaluating the alert rules
(:func:`bantin.alerts.evaluate.evaluate_rules`) and queueing the morning digest
(:func:`bantin.app.digests.digest_job`), and, on PostgreSQL, refreshing stale planner statistics
(:func:`bantin.store.migrate.refresh_stale`).

A job that fails is logged in one line and tried again at its next turn; it never stops the others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bantin.app.context import AppContext

log = logging.getLogger("bantin.serve")

# The schedule for re-checking tracked originals (edited, taken down, corrected).
TRACKING_INTERVAL_S = 300.0
# Expired sessions are refused at once anyway (resolve_session); pruning them hourly only bounds the table.
SESSION_PRUNE_INTERVAL_S = 3600.0
# The issue: `bantin serve` delivers the outbox every minute (an alert reaches the office within minutes).
OUTBOX_INTERVAL_S = 60.0
# Alert rules are evaluated every minute: with delivery every minute, an alert reaches the office within two.
ALERTS_INTERVAL_S = 60.0
# How long stop() waits for a running job to end before leaving the (daemon) thread behind.
JOIN_TIMEOUT_S = 10.0


@dataclass
class Job:
    name: str
    interval_s: float
    run: Callable[[], Any]
    next_at: float = 0.0  # due at once on start
    runs: int = 0
    failures: int = 0
    last_error: str | None = field(default=None)


def prune_expired_sessions(ctx: AppContext) -> int:
    from bantin.accounts.sessions import prune_sessions

    with ctx.sessions() as s:
        n = prune_sessions(s)
        s.commit()
    return n


def default_jobs(ctx: AppContext) -> list[Job]:
    from bantin.alerts.evaluate import evaluate_rules
    from bantin.app.digests import DIGEST_CHECK_INTERVAL_S, digest_job
    from bantin.delivery.sender import deliver_due
    from bantin.responses import tracking
    from bantin.store.migrate import REFRESH_INTERVAL_S, refresh_stale

    return [Job("sessions.prune", SESSION_PRUNE_INTERVAL_S, lambda: prune_expired_sessions(ctx)),
            Job("responses.tracking", TRACKING_INTERVAL_S, lambda: tracking.run_tracking(ctx)),
            Job("alerts.evaluate", ALERTS_INTERVAL_S, lambda: evaluate_rules(ctx)),
            Job("outbox.deliver", OUTBOX_INTERVAL_S, lambda: deliver_due(ctx)),
            Job("digest.daily", DIGEST_CHECK_INTERVAL_S, lambda: digest_job(ctx)),
            Job("db.planner_stats", REFRESH_INTERVAL_S, lambda: refresh_stale(ctx.engine))]


class JobRunner:
    """Runs each :class:`Job` every ``interval_s`` on a daemon thread until :meth:`stop`."""

    def __init__(self, jobs: list[Job], clock: Callable[[], float] = time.monotonic) -> None:
        self.jobs = jobs
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="serve-jobs", daemon=True)

    def start(self) -> JobRunner:
        now = self._clock()
        for job in self.jobs:
            job.next_at = now
        self._thread.start()
        return self

    def run_due(self) -> None:
        for job in self.jobs:
            if self._stop.is_set() or self._clock() < job.next_at:
                continue
            try:
                job.run()
                job.last_error = None
            except Exception as exc:  # noqa: BLE001 - one line, and the job runs again next time
                job.failures += 1
                job.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("việc định kỳ lỗi (periodic job failed) %s: %s", job.name, job.last_error)
            job.runs += 1
            job.next_at = self._clock() + job.interval_s

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_due()
            wait = min((j.next_at for j in self.jobs), default=self._clock() + 60.0) - self._clock()
            self._stop.wait(max(wait, 0.05))

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=JOIN_TIMEOUT_S)
