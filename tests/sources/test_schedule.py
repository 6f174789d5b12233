"""Per-feed poll intervals and health, and the source's rolled-up health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bantin.sources import schedule
from bantin.store.schema import Feed, Source

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
BOUNDS = schedule.PollBounds(min_s=300, max_s=21600)


def _feed(interval: int = schedule.DEFAULT_POLL_S, url: str = "http://x.test/rss") -> Feed:
    return Feed(url=url, poll_interval_s=interval, consecutive_failures=0, health="new",
                created_at=NOW - timedelta(days=1))


def test_a_feed_that_keeps_bringing_new_items_stays_at_the_minimum() -> None:
    feed = _feed()
    for i in range(10):
        schedule.on_success(feed, NOW + timedelta(minutes=5 * i), new_items=3, bounds=BOUNDS)
        assert feed.poll_interval_s == BOUNDS.min_s
    assert feed.next_poll_at == NOW + timedelta(minutes=45, seconds=BOUNDS.min_s)
    assert feed.health == "ok"


def test_the_minimum_is_the_operators_setting() -> None:
    feed = _feed()
    schedule.on_success(feed, NOW, new_items=1, bounds=schedule.PollBounds(min_s=7, max_s=60))
    assert feed.next_poll_at == NOW + timedelta(seconds=7)


def test_the_next_poll_is_an_interval_after_the_request_went_out_not_after_a_slow_answer() -> None:
    feed = _feed()
    schedule.on_success(feed, NOW, new_items=1, bounds=BOUNDS, response_s=1.5)  # sent at NOW - 1.5 s
    assert feed.next_poll_at == NOW + timedelta(seconds=BOUNDS.min_s - 1.5)


def test_a_publisher_slower_than_half_an_interval_still_gets_half_an_interval_between_polls() -> None:
    feed = _feed()
    schedule.on_success(feed, NOW, new_items=1, bounds=BOUNDS, response_s=400.0)
    assert feed.next_poll_at == NOW + timedelta(seconds=BOUNDS.min_s * (1 - schedule.RESPONSE_CREDIT_MAX))


def test_only_duplicates_lengthen_the_poll_interval_up_to_the_ceiling() -> None:
    feed = _feed()
    schedule.on_success(feed, NOW, new_items=0, bounds=BOUNDS)
    assert feed.poll_interval_s == int(schedule.DEFAULT_POLL_S * schedule.SLOW_DOWN_FACTOR)
    for _ in range(30):
        schedule.on_success(feed, NOW, new_items=0, bounds=BOUNDS)
    assert feed.poll_interval_s == BOUNDS.max_s


def test_a_feed_publishing_between_polls_keeps_its_interval_through_an_empty_poll() -> None:
    feed = _feed()
    schedule.on_success(feed, NOW, new_items=1, bounds=BOUNDS)
    schedule.on_success(feed, NOW + timedelta(seconds=BOUNDS.min_s), new_items=0, bounds=BOUNDS)
    assert feed.poll_interval_s == BOUNDS.min_s  # its last item came one interval ago: not quiet yet
    later = NOW + timedelta(seconds=BOUNDS.min_s * (schedule.QUIET_INTERVALS_BEFORE_BACKOFF + 1))
    schedule.on_success(feed, later, new_items=0, bounds=BOUNDS)
    assert feed.poll_interval_s == int(BOUNDS.min_s * schedule.SLOW_DOWN_FACTOR)  # stopped publishing: backs off


def test_feed_without_new_items_for_days_is_quiet() -> None:
    feed = _feed()
    schedule.on_success(feed, NOW - timedelta(days=5), new_items=2)
    schedule.on_success(feed, NOW, new_items=0)
    assert feed.health == "quiet"


def test_repeated_failures_over_a_day_mark_the_feed_dead() -> None:
    feed = _feed()
    schedule.on_success(feed, NOW - timedelta(days=2), new_items=1)
    for i in range(schedule.DEAD_AFTER_FAILURES - 1):
        schedule.on_failure(feed, NOW + timedelta(minutes=i), "HTTP 500")
        assert feed.health == "failing"
    schedule.on_failure(feed, NOW + timedelta(hours=1), "HTTP 500")
    assert feed.health == "dead"
    assert feed.last_error == "HTTP 500"


def test_failure_backs_off_and_honours_retry_after() -> None:
    feed = _feed(600)
    schedule.on_failure(feed, NOW, "HTTP 503", retry_after_s=7200)
    assert feed.next_poll_at == NOW + timedelta(seconds=7200)
    other = _feed(600)
    schedule.on_failure(other, NOW, "timeout")
    assert other.next_poll_at == NOW + timedelta(seconds=1200)
    schedule.on_success(other, NOW, new_items=1)
    assert other.consecutive_failures == 0


def test_source_is_ok_if_any_feed_is_and_dead_only_if_all_are() -> None:
    assert schedule.rolled_up_health(["dead", "ok", "failing"]) == "ok"
    assert schedule.rolled_up_health(["dead", "quiet"]) == "quiet"
    assert schedule.rolled_up_health(["dead", "failing"]) == "failing"
    assert schedule.rolled_up_health(["dead", "dead"]) == "dead"


def test_rollup_keeps_the_dead_feeds_error_and_the_soonest_poll() -> None:
    ok, dead = _feed(url="http://x.test/latest"), _feed(url="http://x.test/gone")
    schedule.on_success(dead, NOW - timedelta(days=2), new_items=1)
    for i in range(schedule.DEAD_AFTER_FAILURES):
        schedule.on_failure(dead, NOW + timedelta(minutes=i), "HTTP 404")
    schedule.on_success(ok, NOW, new_items=2, bounds=BOUNDS)
    src = Source(name="x")
    schedule.rollup(src, [ok, dead])
    assert (ok.health, dead.health, src.health) == ("ok", "dead", "ok")
    assert dead.consecutive_failures == schedule.DEAD_AFTER_FAILURES  # the sibling's success did not reset it
    assert src.next_poll_at == NOW + timedelta(seconds=BOUNDS.min_s)
    assert src.last_error == "HTTP 404" and src.consecutive_failures == 0
