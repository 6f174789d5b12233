"""Settings: the one reader of BANTIN_* variables refuses unsafe or meaningless values with a clear error."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bantin.app.settings import Settings


def test_defaults_extract_in_workers_and_connect_faster_than_they_download(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("BANTIN_EXTRACT_WORKERS", "BANTIN_CONNECT_TIMEOUT_S", "BANTIN_DOWNLOAD_TIMEOUT_S"):
        monkeypatch.delenv(key, raising=False)
    s = Settings()
    assert s.extract_workers is None  # one per core, decided at crawl time
    assert 0 < s.connect_timeout_s < s.download_timeout_s


def test_environment_sets_workers_and_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANTIN_EXTRACT_WORKERS", "0")
    monkeypatch.setenv("BANTIN_CONNECT_TIMEOUT_S", "3.5")
    s = Settings()
    assert s.extract_workers == 0 and s.connect_timeout_s == 3.5


@pytest.mark.parametrize(("field", "value", "message"), [
    ("extract_workers", -1, "BANTIN_EXTRACT_WORKERS"),
    ("connect_timeout_s", 0, "BANTIN_CONNECT_TIMEOUT_S"),
    ("max_body_bytes", 0, "BANTIN_MAX_BODY_BYTES"),
    ("min_host_delay_s", 0.2, "politeness floor"),
])
def test_bad_values_are_refused_with_the_variable_named(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**{field: value})


def test_host_delay_below_the_floor_is_allowed_only_with_loopback() -> None:
    assert Settings(min_host_delay_s=0, allow_loopback=True).min_host_delay_s == 0


def test_poll_bounds_default_to_five_minutes_and_six_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("BANTIN_POLL_MIN_S", "BANTIN_POLL_MAX_S", "BANTIN_ALLOW_LOOPBACK"):
        monkeypatch.delenv(key, raising=False)
    s = Settings()
    assert (s.poll_min_s, s.poll_max_s) == (300, 21600)


def test_poll_bounds_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANTIN_POLL_MIN_S", "120")
    monkeypatch.setenv("BANTIN_POLL_MAX_S", "3600")
    s = Settings()
    assert (s.poll_min_s, s.poll_max_s) == (120, 3600)


@pytest.mark.parametrize(("values", "message"), [
    ({"poll_min_s": 30}, "BANTIN_POLL_MIN_S=30 is below the 60 s politeness floor"),
    ({"poll_min_s": 0, "allow_loopback": True}, "BANTIN_POLL_MIN_S=0"),
    ({"poll_min_s": 600, "poll_max_s": 300}, "BANTIN_POLL_MAX_S=300 must not be below BANTIN_POLL_MIN_S=600"),
])
def test_bad_poll_bounds_are_refused_with_the_variable_named(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**values)  # type: ignore[arg-type]


def test_poll_minimum_below_a_minute_is_allowed_only_with_loopback() -> None:
    assert Settings(poll_min_s=5, allow_loopback=True).poll_min_s == 5


def test_a_bad_setting_stops_the_command_with_one_clear_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATA_DIR=str(tmp_path), BANTIN_POLL_MIN_S="30")
    run = subprocess.run([sys.executable, "-m", "bantin", "sources", "list"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "BANTIN_POLL_MIN_S=30 is below the 60 s politeness floor" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_retention_defaults_keep_the_audit_log_longest(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("BANTIN_RETENTION_DAYS", "BANTIN_FETCH_LOG_DAYS", "BANTIN_FRONTIER_DAYS", "BANTIN_AUDIT_DAYS"):
        monkeypatch.delenv(key, raising=False)
    s = Settings()
    assert (s.retention_days, s.fetch_log_days, s.frontier_days, s.audit_days) == (730, 90, 30, 1825)


def test_environment_sets_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("BANTIN_RETENTION_DAYS", "BANTIN_FETCH_LOG_DAYS", "BANTIN_FRONTIER_DAYS", "BANTIN_AUDIT_DAYS"):
        monkeypatch.setenv(key, "7")  # the benchmark's setting: everything a week, the audit log too
    s = Settings()
    assert (s.retention_days, s.fetch_log_days, s.frontier_days, s.audit_days) == (7, 7, 7, 7)


@pytest.mark.parametrize(("values", "message"), [
    ({"audit_days": 365}, "BANTIN_AUDIT_DAYS=365 is shorter than BANTIN_RETENTION_DAYS=730"),
    ({"retention_days": 30, "fetch_log_days": 400, "audit_days": 100}, "shorter than BANTIN_FETCH_LOG_DAYS=400"),
    ({"frontier_days": 0}, "BANTIN_FRONTIER_DAYS=0: retention is 1 to"),
    ({"audit_days": 10**6}, "BANTIN_AUDIT_DAYS=1000000: retention is 1 to"),
])
def test_retention_that_would_outlive_the_audit_log_or_is_out_of_bounds_is_refused(
        values: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**values)  # type: ignore[arg-type]
