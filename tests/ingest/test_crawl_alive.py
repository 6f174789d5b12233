"""`bantin crawl` (continuous) as a real process: a locked SQLite file or a PostgreSQL restart mid-crawl
neither stops the crawl nor loses an article, fetching goes on while the database is locked, and the
crawler logs a heartbeat."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from tests.dbfixtures import PG_ADMIN_URL
from tests.ingest.test_crawl_process import ROOT, _check_invariants, _env, _progress
from tests.sitefixture import Site, serve_site

# Enough articles that the outage lands mid-crawl (1 s each: about 24 s of fetching).
N_ARTICLES = 24
# Each article page takes this long to serve, so that fetching is still going on when the outage starts.
PAGE_DELAY_S = 1.0
# How long the SQLite file stays locked (the "~20 s"; below the 30 s busy timeout).
SQLITE_LOCK_S = 20.0
# How long every PostgreSQL backend of the crawler is killed as soon as it appears (a server restart).
PG_OUTAGE_S = 4.0
# Short ticks and heartbeats, so the test sees several of each.
RUNNER = ("import sys, bantin.ingest.spider as s; s.TICK_S = 1.0; s.HEARTBEAT_S = 1.0; "
          "sys.argv = ['bantin', 'crawl', '--no-progress']; from bantin.cli.main import main; main()")


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # the log goes to a file: a pipe nobody reads fills up and blocks the crawler on its next log line
    with log.open("wb") as f:
        return subprocess.Popen([sys.executable, "-c", RUNNER], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=f, start_new_session=True)


def _wait_articles(db_url: str, n: int, proc: subprocess.Popen[bytes], timeout_s: float) -> int:
    deadline = time.monotonic() + timeout_s
    articles = 0
    while time.monotonic() < deadline and proc.poll() is None:
        articles = _progress(db_url)[1]
        if articles >= n:
            break
        time.sleep(0.1)
    return articles


def _stop(proc: subprocess.Popen[bytes], log: Path) -> str:
    """SIGTERM (a graceful stop); a crawler that does not stop within a minute is killed and fails the test."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError("the crawler did not stop on SIGTERM: " + log.read_text()[-3000:]) from None
    return log.read_text(encoding="utf-8", errors="replace")


def _page_hits(site: Site) -> int:
    return sum(v for k, v in site.hits.items() if k.startswith("/bai/"))


def _pg_outage(db_url: str, stop: threading.Event) -> None:
    name = make_url(db_url).database
    admin = create_engine(make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            while not stop.is_set():
                c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
                time.sleep(0.02)
    finally:
        admin.dispose()


def test_a_database_outage_mid_crawl_loses_nothing_and_the_crawl_carries_on(db_url: str, tmp_path: Path) -> None:
    with serve_site(N_ARTICLES, delay_s=PAGE_DELAY_S) as site:
        env = _env(db_url, site.sources_toml(tmp_path / "sources.toml"), tmp_path)
        subprocess.run([sys.executable, "-m", "bantin", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        proc = _start(env, tmp_path / "crawl.log")
        try:
            deadline = time.monotonic() + 120
            while _page_hits(site) < 3 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
            assert _page_hits(site) >= 3, "the crawl never got going"
            if db_url.startswith("sqlite"):
                con = sqlite3.connect(make_url(db_url).database, timeout=60, isolation_level=None)
                con.execute("BEGIN EXCLUSIVE")
                hits_before = _page_hits(site)
                time.sleep(SQLITE_LOCK_S)
                fetched_while_locked = _page_hits(site) - hits_before
                con.execute("ROLLBACK")
                con.close()
                assert hits_before < N_ARTICLES  # the lock landed mid-crawl
                # the reactor was not stuck behind the lock: pages kept arriving while nothing could be stored
                assert fetched_while_locked >= min(5, N_ARTICLES - hits_before), (hits_before, fetched_while_locked)
            else:
                stop = threading.Event()
                killer = threading.Thread(target=_pg_outage, args=(db_url, stop))
                killer.start()
                time.sleep(PG_OUTAGE_S)
                stop.set()
                killer.join()
            assert _wait_articles(db_url, N_ARTICLES, proc, 120) == N_ARTICLES
            assert proc.poll() is None, "the crawler exited"
        finally:
            log = _stop(proc, tmp_path / "crawl.log")
    assert proc.returncode == 0, log[-3000:]
    assert "crawl heartbeat:" in log
    inv = _check_invariants(db_url)  # each article stored exactly once, each with its one "ok" record
    assert inv["articles"] == N_ARTICLES and inv["pending"] == 0
