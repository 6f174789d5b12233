"""`bantin crawl` tells a supervisor when it is not working: ``--once`` exits 1 when every source failed
(one line per source with the real cause), and a continuous crawl whose loop dies exits 1 instead of
idling for ever."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.httpfixtures import HostileServer, serve_site
from tests.ingest.crawl_run import ROOT, crawl_env, crawl_once, write_sources


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_crawl_once_exits_non_zero_with_each_sources_cause_when_every_source_failed(tmp_path: Path) -> None:
    with HostileServer() as srv:
        feeds = {"Báo Tắt Máy": f"http://127.0.0.1:{_dead_port()}/rss.xml", "Báo Mất Feed": srv.url("/status/404")}
        env = crawl_env(f"sqlite:///{tmp_path / 'b.db'}", write_sources(tmp_path / "s.toml", feeds), tmp_path)
        proc = crawl_once(env, timeout_s=120)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    lines = {line.split(":", 1)[0]: line for line in err.splitlines() if line.startswith("nguồn (source) ")}
    assert "connection refused" in lines["nguồn (source) Báo Tắt Máy"]
    assert "HTTP 404" in lines["nguồn (source) Báo Mất Feed"]
    assert "every source failed: 2" in err
    assert "Traceback" not in err


def test_crawl_once_exits_zero_when_a_source_answered(tmp_path: Path) -> None:
    with serve_site(2) as site:
        feeds = {"Báo Thử Nghiệm": site.feed_url, "Báo Tắt Máy": f"http://127.0.0.1:{_dead_port()}/rss.xml"}
        env = crawl_env(f"sqlite:///{tmp_path / 'b.db'}", write_sources(tmp_path / "s.toml", feeds), tmp_path)
        proc = crawl_once(env, timeout_s=120)
    assert proc.returncode == 0, proc.stderr.decode()


# A tick that raises past every guard (a bug): the loop dies, and the process must say so and exit.
BROKEN_TICK = ("import sys, bantin.ingest.spider as s; s.TICK_S = 0.5\n"
               "def _tick(self): raise RuntimeError('tick bug')\n"
               "s.BantinSpider._tick = _tick\n"
               "sys.argv = ['bantin', 'crawl', '--no-progress']\n"
               "from bantin.cli.main import main\nmain()\n")


def test_continuous_crawl_whose_loop_dies_exits_non_zero(tmp_path: Path) -> None:
    with serve_site(2) as site:
        env = crawl_env(f"sqlite:///{tmp_path / 'b.db'}", site.sources_toml(tmp_path / "s.toml"), tmp_path)
        proc = subprocess.run([sys.executable, "-c", BROKEN_TICK], cwd=ROOT, env=env, capture_output=True,
                              timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err[-3000:]
    assert "(the crawl loop died): tick bug" in err
