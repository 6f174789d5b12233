"""A host that says "come back in 30 s" waits outside the downloader: it never holds a download slot,
so every other host's pages arrive on time (measured at two loopback servers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from bantin.app.settings import Settings
from bantin.fetch.oneoff import FetchReport, run_fetch
from tests.httpfixtures import HostileServer

# The figure: a 503 with Retry-After: 30.
RETRY_AFTER_S = 30
# More pages for the busy host than there are download slots, so slot-holding would show.
BUSY_PAGES = 12
# Few download slots: before the fix, the busy host's waiting requests filled all of them.
SLOTS = 4
OTHER_PAGES = 5
# Plain FIFO order (not Scrapy's downloader-aware queue, which would send the other host first anyway):
# the busy host's requests are ahead in line, as when one big source's articles were queued first.
FIFO = {"SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"}


def _page_arrivals(srv: HostileServer) -> list[float]:
    return sorted(r.at for r in srv.requests if r.path.startswith("/page/"))


@dataclass
class Run:
    busy: HostileServer
    other: HostileServer
    report: FetchReport


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    with ExitStack() as stack:
        busy = stack.enter_context(HostileServer("127.0.0.20"))
        other = stack.enter_context(HostileServer("127.0.0.21"))
        urls = [busy.url(f"/status/503?retry_after={RETRY_AFTER_S}")]
        urls += [busy.url(f"/page/{i}") for i in range(BUSY_PAGES)]
        urls += [other.url(f"/page/{i}") for i in range(OTHER_PAGES)]
        settings = Settings(allow_loopback=True, min_host_delay_s=0.05, download_timeout_s=5.0)
        overrides = {"CONCURRENT_REQUESTS": SLOTS, "BANTIN_RETRY_MAX": 1, "DOWNLOAD_BIND_ADDRESS": "127.0.0.1", **FIFO}
        report = run_fetch(urls, settings, overrides, timeout_s=RETRY_AFTER_S * 4)
        yield Run(busy, other, report)


def test_a_host_saying_retry_after_does_not_delay_another_hosts_pages(run: Run) -> None:
    first_503 = run.busy.arrivals("/status/503")[0]
    other = _page_arrivals(run.other)
    assert len(other) == OTHER_PAGES
    assert max(other) - first_503 < RETRY_AFTER_S / 6  # seconds, not the busy host's 30 s
    assert all(run.report.results[run.other.url(f"/page/{i}")].status == 200 for i in range(OTHER_PAGES))


def test_the_backed_off_hosts_pages_wait_and_are_then_fetched(run: Run) -> None:
    first_503 = run.busy.arrivals("/status/503")[0]
    later = [t for t in _page_arrivals(run.busy) if t > first_503]
    assert len(later) >= BUSY_PAGES - SLOTS  # at most the ones already sent went before the 503
    assert min(later) - first_503 >= RETRY_AFTER_S - 1  # the host's wait was honoured
    assert all(run.report.results[run.busy.url(f"/page/{i}")].status == 200 for i in range(BUSY_PAGES))
    assert run.report.stats["fetch/parked"] >= 1
