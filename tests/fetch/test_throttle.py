"""Per-host politeness and retries: pure decisions, then arrival timestamps measured at local servers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bantin.app.settings import Settings
from bantin.fetch import throttle
from bantin.fetch.oneoff import FetchReport, run_fetch
from tests.httpfixtures import PAGE_HTML, Handler, HostileServer

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


# -- pure decisions ---------------------------------------------------------------------------------


def test_retry_after_delta_seconds() -> None:
    assert throttle.parse_retry_after("120") == 120.0
    assert throttle.parse_retry_after(b" 5 ") == 5.0


def test_retry_after_http_date() -> None:
    value = format_datetime(NOW + timedelta(seconds=90), usegmt=True)
    assert throttle.parse_retry_after(value, now=NOW) == pytest.approx(90.0)


def test_retry_after_in_the_past_means_now() -> None:
    value = format_datetime(NOW - timedelta(hours=1), usegmt=True)
    assert throttle.parse_retry_after(value, now=NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Mon, 99 Foo 2025"])
def test_retry_after_garbage_is_ignored(value: str | None) -> None:
    assert throttle.parse_retry_after(value, now=NOW) is None


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    rng = random.Random(7)
    for attempt, base in [(1, 2.0), (2, 4.0), (3, 8.0)]:
        for _ in range(50):
            d = throttle.backoff_delay(attempt, base_s=2.0, rng=rng)
            assert base <= d <= base * (1 + throttle.BACKOFF_JITTER)
    assert throttle.backoff_delay(30, base_s=2.0, rng=rng) <= throttle.BACKOFF_MAX_S * (
        1 + throttle.BACKOFF_JITTER
    )


def test_backoff_jitter_spreads_retries() -> None:
    rng = random.Random(1)
    assert len({round(throttle.backoff_delay(1, rng=rng), 6) for _ in range(20)}) > 10


def test_retry_after_is_honoured_on_429_and_503() -> None:
    for status in (429, 503):
        d = throttle.decide_status(status, "30", retries_so_far=0, now=NOW)
        assert d == throttle.RetryDecision(True, 30.0, "fetch/retry_after_honoured")


def test_retry_after_beyond_cap_gives_up() -> None:
    d = throttle.decide_status(503, str(int(throttle.RETRY_AFTER_CAP_S) + 1), retries_so_far=0, now=NOW)
    assert d is not None and not d.retry and d.counter == "fetch/retry_after_too_long"


def test_5xx_without_retry_after_backs_off() -> None:
    d = throttle.decide_status(500, None, retries_so_far=1, base_s=1.0, rng=random.Random(0))
    assert d is not None and d.retry and d.counter == "fetch/retry_backoff"
    assert 2.0 <= d.delay_s <= 3.0


def test_retries_are_bounded() -> None:
    d = throttle.decide_status(502, None, retries_so_far=throttle.MAX_RETRIES)
    assert d is not None and not d.retry and d.counter == "fetch/retry_gave_up"
    assert not throttle.decide_exception(throttle.MAX_RETRIES).retry


@pytest.mark.parametrize("status", [200, 301, 304, 403, 404, 410])
def test_non_retryable_statuses_are_left_alone(status: int) -> None:
    assert throttle.decide_status(status, "10", retries_so_far=0) is None


def test_host_backoff_expires() -> None:
    hb = throttle.HostBackoff()
    hb.push("a.vn", 10.0)
    hb.push("a.vn", 5.0)  # an earlier deadline never shortens a later one
    assert hb.wait_for("a.vn", 4.0) == 6.0
    assert hb.wait_for("a.vn", 11.0) == 0.0
    assert hb.wait_for("b.vn", 0.0) == 0.0


# -- measured end to end ----------------------------------------------------------------------------

DELAY = 0.3
BACKOFF_BASE = 0.5
TIMEOUT = 0.5
MAX_RETRIES = 2


@dataclass
class Run:
    polite: HostileServer
    limited: HostileServer
    dated: HostileServer
    closed: HostileServer
    sick: HostileServer
    failing: HostileServer
    hanging: HostileServer
    report: FetchReport


def _dated_retry_after(h: Handler) -> None:
    if h.server.owner.count("/dated") == 1:
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
        h.reply(503, b"busy", {"Retry-After": when})
    else:
        h.reply(200, PAGE_HTML.encode())


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    with ExitStack() as stack:
        polite, limited, dated, closed, sick, failing, hanging = (
            stack.enter_context(HostileServer(f"127.0.0.{i}")) for i in range(2, 9)
        )
        dated.route("/dated", _dated_retry_after)
        urls = [polite.url(f"/page/{i}") for i in range(5)]
        urls += [
            limited.url("/flaky/l?fail=1&status=429&retry_after=1"),
            limited.url("/page/a"),
            limited.url("/page/b"),
        ]
        urls += [dated.url("/dated")]
        urls += [closed.url("/status/503?retry_after=7200"), closed.url("/page/a"), closed.url("/page/b")]
        urls += [sick.url("/flaky/s?fail=2&status=500"), failing.url("/status/502"), hanging.url("/hang?s=5")]
        settings = Settings(allow_loopback=True, min_host_delay_s=DELAY, download_timeout_s=TIMEOUT)
        overrides = {
            "BANTIN_RETRY_BACKOFF_BASE_S": BACKOFF_BASE,
            "BANTIN_RETRY_MAX": MAX_RETRIES,
            "DOWNLOAD_BIND_ADDRESS": "127.0.0.1",
        }
        report = run_fetch(urls, settings, overrides, timeout_s=60)
        yield Run(polite, limited, dated, closed, sick, failing, hanging, report)


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_min_host_delay_is_kept_between_arrivals(run: Run) -> None:
    arrivals = run.polite.arrivals()
    assert len(arrivals) == 6  # robots.txt + 5 pages
    assert min(_gaps(arrivals)) >= DELAY


def test_hosts_are_throttled_independently(run: Run) -> None:
    starts = sorted(srv.arrivals()[0] for srv in (run.polite, run.limited, run.dated, run.closed, run.sick))
    assert starts[-1] - starts[0] < DELAY  # five hosts began together, not one after another


def test_retry_after_seconds_holds_back_the_whole_host(run: Run) -> None:
    first_429 = run.limited.arrivals("/flaky/l")[0]
    later = [t for t in run.limited.arrivals() if t > first_429]
    assert len(later) == 3  # the retry and both queued pages
    assert min(later) - first_429 >= 1.0
    assert run.report.results[run.limited.url("/flaky/l?fail=1&status=429&retry_after=1")].status == 200
    assert run.report.stats["fetch/retry_after_honoured"] >= 2


def test_retry_after_http_date_is_honoured(run: Run) -> None:
    first, second = run.dated.arrivals("/dated")
    assert second - first >= 1.0  # HTTP-date has 1 s resolution: "now + 2 s" means at least 1 s
    assert run.report.results[run.dated.url("/dated")].status == 200


def test_retry_after_beyond_cap_gives_up_on_the_host(run: Run) -> None:
    r = run.report.results[run.closed.url("/status/503?retry_after=7200")]
    assert r.status == 503
    assert run.closed.count("/status/503") == 1
    assert run.closed.count("/page/a") + run.closed.count("/page/b") == 0
    assert "host_backed_off" in (run.report.results[run.closed.url("/page/a")].error or "")
    assert run.report.stats["fetch/retry_after_too_long"] == 1
    assert run.report.stats["fetch/host_backed_off"] == 2


def test_5xx_is_retried_with_growing_backoff(run: Run) -> None:
    arrivals = run.sick.arrivals("/flaky/s")
    assert len(arrivals) == 3
    g1, g2 = _gaps(arrivals)
    assert g1 >= BACKOFF_BASE and g2 >= 2 * BACKOFF_BASE
    assert run.report.results[run.sick.url("/flaky/s?fail=2&status=500")].status == 200


def test_retries_stop_after_the_limit(run: Run) -> None:
    assert run.failing.count("/status/502") == MAX_RETRIES + 1
    assert run.report.results[run.failing.url("/status/502")].status == 502
    assert run.hanging.count("/hang") == MAX_RETRIES + 1
    assert "Timeout" in (run.report.results[run.hanging.url("/hang?s=5")].error or "")
    assert run.report.stats["fetch/retry_gave_up"] >= 2
