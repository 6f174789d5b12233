"""A feed is polled when it falls due, not at the spider's next tick (``bantin.ingest.wake``): a continuous crawl
whose tick is 20 s and whose minimum poll interval is 2 s polls a feed that gains an item on every poll about every
2 s, never closer together than the schedule allows, and stores every item it announced."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import monotonic, sleep

from tests import pagefactory as pf
from tests.httpfixtures import Handler, HostileServer
from tests.ingest.crawl_run import ROOT, crawl_env, write_sources
from tests.ingest.test_crawl_alive import _stop
from tests.ingest.test_crawl_process import _progress

POLL_MIN_S = 2
# The tick the crawl gets: min(30 s, POLL_MIN_S / TICKS_PER_MIN_POLL) = 20 s, so only the wake-up can poll sooner.
RUNNER_TICKS_PER_MIN_POLL = 0.1
RUNNER = (f"import sys, bantin.app.crawl as c; c.TICKS_PER_MIN_POLL = {RUNNER_TICKS_PER_MIN_POLL}; "
          "sys.argv = ['bantin', 'crawl', '--no-progress']; from bantin.cli.main import main; main()")
# Watched this long after the first poll: a crawl that polls only on its ticks polls once in it.
WATCH_S = 9.0
FEED = "/rss/tin-moi.rss"
T0 = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def _publisher(srv: HostileServer, texts: list[str]) -> None:
    def feed(h: Handler) -> None:  # one more item on every poll (this request is counted already)
        n = min(srv.count(FEED), len(texts))
        items = [(f"Tin số {i}", srv.url(f"/bai/{i}.html"), T0 + timedelta(minutes=i)) for i in range(n)]
        h.reply(200, pf.rss(items), {"Content-Type": "application/rss+xml; charset=utf-8"})

    def article(h: Handler) -> None:
        i = int(h.route_path.rsplit("/", 1)[1].split(".")[0])
        h.reply(200, pf.page(f"Tin số {i}", texts[i], srv.url(h.route_path), T0 + timedelta(minutes=i)))

    srv.set_robots(200, "User-agent: *\nAllow: /\n")
    srv.route(FEED, feed)
    srv.route("/bai/", article)


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as f:  # a file, not a pipe nobody reads
        return subprocess.Popen([sys.executable, "-c", RUNNER], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=f, start_new_session=True)


def test_a_feed_is_polled_when_it_falls_due_not_at_the_next_tick(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'bantin.db'}"
    texts = pf.texts(12)
    log = tmp_path / "crawl.log"
    with HostileServer() as srv:
        _publisher(srv, texts)
        sources = write_sources(tmp_path / "sources.toml", {"Báo Đúng Giờ": srv.url(FEED)})
        env = crawl_env(db_url, sources, tmp_path / "data", BANTIN_POLL_MIN_S=str(POLL_MIN_S))
        proc = _start(env, log)
        try:
            deadline = monotonic() + 90  # start-up: migrations, the models
            while not srv.count(FEED) and monotonic() < deadline and proc.poll() is None:
                sleep(0.1)
            assert srv.count(FEED), "the feed was never polled: " + log.read_text()[-2000:]
            sleep(WATCH_S)
            polls = srv.arrivals(FEED)
            announced = min(len(polls), len(texts))
            deadline = monotonic() + 30
            while _progress(db_url)[1] < announced and monotonic() < deadline:
                sleep(0.2)
            stored = _progress(db_url)[1]
        finally:
            _stop(proc, log)
    in_watch = [t for t in polls if t <= polls[0] + WATCH_S]
    gaps = [b - a for a, b in zip(polls, polls[1:], strict=False)]
    assert len(in_watch) >= 4, f"polls at {[round(t - polls[0], 1) for t in polls]} s: waited for the 20 s tick"
    assert min(gaps) >= POLL_MIN_S / 2  # the schedule credits a slow answer with at most half an interval
    assert stored == announced  # every item any poll listed was fetched and stored
