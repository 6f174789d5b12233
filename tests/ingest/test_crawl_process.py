"""`bantin crawl --once` as a real process against a loopback publisher, on SQLite and PostgreSQL:
end to end, two crawlers at once, and SIGKILL at arbitrary moments losing nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from bantin.store.db import make_engine, session_factory
from bantin.store.schema import Article, ArticleURL, FetchLog, FrontierItem
from tests.httpfixtures import serve_site
from tests.ingest.crawl_run import ROOT, crawl_env

# Enough articles that a kill lands mid-crawl; small enough to keep the test quick.
N_ARTICLES = 24




def _crawl(env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    # its own session: whatever it starts (extraction workers, their fork server) is findable by session id
    return subprocess.Popen([sys.executable, "-m", "bantin", "crawl", "--once", "--no-progress", *extra],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _session_members(sid: int) -> list[int]:
    """Live (not zombie) processes in session ``sid``."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            pids.append(int(stat.parent.name))
    return pids


def _assert_no_leftover_processes(sid: int) -> None:
    deadline = time.monotonic() + 20
    while _session_members(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_members(sid) == [], "extraction workers outlived the killed crawler"


def _check_invariants(db_url: str) -> dict[str, int]:
    """What a crash must never leave behind: done work without its record, or records without work."""
    engine = make_engine(db_url)
    if "frontier" not in inspect(engine).get_table_names():
        return {"articles": 0, "pending": 0, "urls": 0}  # killed before the schema existed
    sessions = session_factory(engine)
    with sessions() as s:
        done_without_article = s.scalar(
            select(func.count()).select_from(FrontierItem)
            .where(FrontierItem.state == "done", FrontierItem.article_id.is_(None))
        )
        assert done_without_article == 0
        ok_logs = s.scalar(select(func.count()).select_from(FetchLog).where(FetchLog.kind == "article", FetchLog.outcome == "ok"))
        articles = s.scalar(select(func.count()).select_from(Article)) or 0
        assert ok_logs == articles  # one "ok" fetch record per stored article, written together
        canon = s.scalar(select(func.count(func.distinct(Article.canonical_url))))
        assert canon == articles
        pending = s.scalar(select(func.count()).select_from(FrontierItem).where(FrontierItem.state == "pending")) or 0
        urls = s.scalar(select(func.count()).select_from(ArticleURL)) or 0
    return {"articles": articles, "pending": pending, "urls": urls}


def test_crawl_once_stores_every_article_and_exports_them(db_url: str, tmp_path: Path) -> None:
    with serve_site(N_ARTICLES) as site:
        env = crawl_env(db_url, site.sources_toml(tmp_path / "sources.toml"), tmp_path)
        proc = _crawl(env)
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
        assert _check_invariants(db_url)["articles"] == N_ARTICLES
        # a second run: the feed brings only known items, nothing is fetched again
        hits_before = sum(v for k, v in site.hits.items() if k.startswith("/bai/"))
        proc = _crawl(env)
        proc.communicate(timeout=240)
        assert sum(v for k, v in site.hits.items() if k.startswith("/bai/")) == hits_before
    export = subprocess.run([sys.executable, "-m", "bantin", "articles", "export", "--format", "jsonl"],
                            cwd=ROOT, env=env, capture_output=True, check=True)
    rows = [json.loads(line) for line in export.stdout.decode().splitlines()]
    assert len(rows) == N_ARTICLES
    assert {"canonical_url", "title", "text", "published", "language", "source", "cluster_id",
            "cluster_origin"} <= set(rows[0])
    assert all(r["source"] == "Báo Thử Nghiệm" and r["text"] for r in rows)
    assert not any("author" in key for key in rows[0])


def test_two_crawlers_at_once_store_each_article_once(db_url: str, tmp_path: Path) -> None:
    with serve_site(N_ARTICLES, delay_s=0.02) as site:
        env = crawl_env(db_url, site.sources_toml(tmp_path / "sources.toml"), tmp_path)
        # schema and sources first, so both crawlers see the same due feed
        subprocess.run([sys.executable, "-m", "bantin", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        procs = [_crawl(env), _crawl(env)]
        for p in procs:
            _, err = p.communicate(timeout=240)
            assert p.returncode == 0, err.decode()
    inv = _check_invariants(db_url)
    assert inv["articles"] == N_ARTICLES and inv["pending"] == 0


def _progress(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    try:
        if "frontier" not in inspect(engine).get_table_names():
            return -1, -1
        with engine.connect() as c:
            frontier = c.execute(select(func.count()).select_from(FrontierItem)).scalar() or 0
            articles = c.execute(select(func.count()).select_from(Article)).scalar() or 0
        return frontier, articles
    finally:
        engine.dispose()


def _wait_for(db_url: str, stage: str, target: int | None, proc: subprocess.Popen[bytes]) -> None:
    """Poll the database until the crawl reaches ``stage`` (bounded: 60 s)."""
    if stage == "startup":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        frontier, articles = _progress(db_url)
        if (stage == "frontier" and frontier > 0) or (stage == "articles" and target is not None and articles > target):
            return
        time.sleep(0.05)


@pytest.mark.slow
def test_sigkill_at_any_moment_loses_nothing_and_the_next_run_resumes(db_url: str, tmp_path: Path) -> None:
    with serve_site(N_ARTICLES, delay_s=0.15) as site:
        env = crawl_env(db_url, site.sources_toml(tmp_path / "sources.toml"), tmp_path)
        seen = []
        # kill during start-up/migration, right after the feed is stored, and twice mid-articles; the site answers
        # only the article pages that reach the target, so each kill lands there however slow the machine is
        for stage, target in (("startup", None), ("frontier", 0), ("articles", 3), ("articles", 12)):
            site.gate.allow(0 if target is None or stage == "frontier" else max(0, target + 1 - _progress(db_url)[1]))
            proc = _crawl(env)
            _wait_for(db_url, stage, target, proc)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            _assert_no_leftover_processes(proc.pid)
            seen.append(_check_invariants(db_url))
        site.gate.allow(None)
        proc = _crawl(env)
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
    final = _check_invariants(db_url)
    assert final["articles"] == N_ARTICLES and final["pending"] == 0
    # the kills really landed mid-crawl at least once (otherwise this test proves nothing)
    assert any(0 < s["articles"] < N_ARTICLES for s in seen), seen
