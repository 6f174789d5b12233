from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bantin.sources import schedule
from bantin.store.schema import Source

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def _source(interval: int = schedule.DEFAULT_POLL_S) -> Source:
    return Source(name="x", poll_interval_s=interval, consecutive_failures=0, created_at=NOW - timedelta(days=1))


def test_new_items_shorten_the_poll_interval_down_to_the_floor() -> None:
    src = _source()
    for _ in range(10):
        schedule.on_success(src, NOW, new_items=3)
    assert src.poll_interval_s == schedule.MIN_POLL_S
    assert src.next_poll_at == NOW + timedelta(seconds=schedule.MIN_POLL_S)
    assert src.health == "ok"


def test_only_duplicates_lengthen_the_poll_interval_up_to_the_ceiling() -> None:
    src = _source()
    schedule.on_success(src, NOW, new_items=0)
    assert src.poll_interval_s == int(schedule.DEFAULT_POLL_S * schedule.SLOW_DOWN_FACTOR)
    for _ in range(30):
        schedule.on_success(src, NOW, new_items=0)
    assert src.poll_interval_s == schedule.MAX_POLL_S


def test_source_without_new_items_for_days_is_quiet() -> None:
    src = _source()
    schedule.on_success(src, NOW - timedelta(days=5), new_items=2)
    schedule.on_success(src, NOW, new_items=0)
    assert src.health == "quiet"


def test_repeated_failures_over_a_day_mark_the_source_dead() -> None:
    src = _source()
    schedule.on_success(src, NOW - timedelta(days=2), new_items=1)
    for i in range(schedule.DEAD_AFTER_FAILURES - 1):
        schedule.on_failure(src, NOW + timedelta(minutes=i), "HTTP 500")
        assert src.health == "failing"
    schedule.on_failure(src, NOW + timedelta(hours=1), "HTTP 500")
    assert src.health == "dead"
    assert src.last_error == "HTTP 500"


def test_failure_backs_off_and_honours_retry_after() -> None:
    src = _source(600)
    schedule.on_failure(src, NOW, "HTTP 503", retry_after_s=7200)
    assert src.next_poll_at == NOW + timedelta(seconds=7200)
    src2 = _source(600)
    schedule.on_failure(src2, NOW, "timeout")
    assert src2.next_poll_at == NOW + timedelta(seconds=1200)
    schedule.on_success(src2, NOW, new_items=1)
    assert src2.consecutive_failures == 0
