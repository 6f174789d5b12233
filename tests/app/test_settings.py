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
