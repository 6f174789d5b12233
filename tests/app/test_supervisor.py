"""The crawler supervisor with stand-in children: backoff doubling to its cap and reset after a stable run,
restarts counted with the last exit code, SIGTERM on stop and SIGKILL for a child that ignores it; and the
periodic jobs: a failing job is logged and retried, never stopping the others."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest

from bantin.app import supervisor as sup
from bantin.app.jobs import Job, JobRunner
from bantin.app.supervisor import BACKOFF_INITIAL_S, BACKOFF_MAX_S, STABLE_RUN_S, CrawlerSupervisor, backoff
from tests.api.conftest import make_api

# A child that ignores SIGTERM: only SIGKILL ends it.
STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"


def _until(check, timeout_s: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if got := check():
            return got
        time.sleep(0.02)
    raise AssertionError("timed out")


def _ignores_sigterm(pid: int | None) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), 16)
    return bool(mask & (1 << (signal.SIGTERM - 1)))


def test_backoff_doubles_from_one_second_to_five_minutes_and_resets_after_a_stable_run() -> None:
    waits = [backoff(None, 0.5)]
    for _ in range(12):
        waits.append(backoff(waits[-1], 0.5))
    assert waits[:5] == [1.0, 2.0, 4.0, 8.0, 16.0] and waits[-1] == BACKOFF_MAX_S == 300.0
    assert max(waits) == BACKOFF_MAX_S
    assert backoff(BACKOFF_MAX_S, STABLE_RUN_S) == BACKOFF_INITIAL_S  # it ran ten minutes: a fresh start


def test_a_dying_child_is_restarted_and_counted_with_its_exit_code(monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(sup, "BACKOFF_INITIAL_S", 0.02)
    monkeypatch.setattr(sup, "BACKOFF_MAX_S", 0.05)
    s = CrawlerSupervisor([sys.executable, "-c", "raise SystemExit(3)"])
    with caplog.at_level("WARNING", logger="bantin.serve"):
        s.start()
        _until(lambda: s.restarts >= 3)
        s.stop(grace_s=5)
    assert s.last_exit is not None and s.last_exit.code == 3 and not s.alive()
    lines = [r.getMessage() for r in caplog.records if "crawler exited" in r.getMessage()]
    assert len(lines) >= 3 and "code=3" in lines[0] and "restart #1" in lines[0]


def test_stop_terminates_the_child_and_kills_one_that_ignores_sigterm() -> None:
    polite = CrawlerSupervisor([sys.executable, "-c", "import time; time.sleep(60)"])
    polite.start()
    _until(polite.alive)
    assert polite.stop(grace_s=10) == -15 and not polite.alive()
    stubborn = CrawlerSupervisor([sys.executable, "-c", STUBBORN])
    stubborn.start()
    _until(stubborn.alive)
    _until(lambda: _ignores_sigterm(stubborn.pid))  # its handler is installed
    started = time.monotonic()
    assert stubborn.stop(grace_s=0.5) == -9 and time.monotonic() - started < 10
    assert stubborn.restarts == 0  # stopping is not a death to restart from


def test_a_failing_job_is_retried_and_the_others_still_run() -> None:
    calls: list[str] = []

    def broken() -> None:
        calls.append("broken")
        raise RuntimeError("database locked")

    jobs = [Job("broken", 0.01, broken), Job("fine", 0.01, lambda: calls.append("fine"))]
    runner = JobRunner(jobs).start()
    _until(lambda: calls.count("broken") >= 2 and calls.count("fine") >= 2)
    runner.stop()
    assert jobs[0].failures >= 2 and jobs[0].last_error == "RuntimeError: database locked"
    assert jobs[1].failures == 0 and jobs[1].runs >= 2


def test_expired_web_sessions_are_pruned_by_the_job(tmp_path: Path) -> None:
    from datetime import timedelta

    from sqlalchemy import func, select, update

    from bantin.accounts.sessions import start_session
    from bantin.app.jobs import prune_expired_sessions
    from bantin.store.office import User, WebSession
    from bantin.store.types import utcnow

    api = make_api(f"sqlite:///{tmp_path / 'api.db'}", tmp_path)
    ctx = api.ctx
    with ctx.sessions() as s:
        user = s.scalar(select(User).where(User.name == "viewer"))
        old, _ = start_session(s, user, 1)
        start_session(s, user, 1)
        s.execute(update(WebSession).where(WebSession.token_hash == old.token_hash)
                  .values(expires_at=utcnow() - timedelta(minutes=1)))
        s.commit()
    assert prune_expired_sessions(ctx) == 1
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 1
    ctx.engine.dispose()


def test_serve_runs_the_tracking_of_originals_every_five_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    from bantin.app.jobs import TRACKING_INTERVAL_S, default_jobs
    from bantin.responses import tracking

    seen: list[object] = []
    monkeypatch.setattr(tracking, "run_tracking", seen.append)
    ctx = object()
    jobs = {j.name: j for j in default_jobs(ctx)}  # type: ignore[arg-type]
    assert set(jobs) == {"sessions.prune", "responses.tracking", "alerts.evaluate", "outbox.deliver", "digest.daily",
                         "db.planner_stats"}
    assert jobs["alerts.evaluate"].interval_s == jobs["outbox.deliver"].interval_s == 60.0
    assert jobs["responses.tracking"].interval_s == TRACKING_INTERVAL_S == 300.0
    jobs["responses.tracking"].run()
    assert seen == [ctx]
