"""Extraction in worker processes: same results as in-process, and a dead or hung worker costs one page."""

from __future__ import annotations

import asyncio
import gzip
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from bantin.app.stats import CounterStats
from bantin.extract import workers as workers_mod
from bantin.extract.workers import ExtractionFailed, Extractor, auto_workers, extract_counted

ROOT = Path(__file__).resolve().parents[2]
CRASH = b"<!-- crash the worker -->"
HANG = b"<!-- hang the worker -->"
PAGE = ("<html lang='vi'><head><title>Nghệ An đón khách</title></head><body><article>"
        + "<p>Du lịch Nghệ An đón hàng nghìn lượt khách trong dịp nghỉ lễ, các bãi biển Cửa Lò đông vui.</p>" * 8
        + "</article></body></html>").encode()


def crash_or_extract(body: bytes, *args: Any) -> Any:
    """A worker target (imported by name in the worker) that dies or hangs on marked pages."""
    if body == CRASH:
        os._exit(3)  # as the kernel's OOM killer or a segfault in a C library would end it
    if body == HANG:
        time.sleep(600)
    return extract_counted(body, *args)


def first_page_state(body: bytes, *args: Any) -> Any:
    """A worker target that also says whether py3langid's model was loaded before this page arrived."""
    from htmldate.extractors import get_external_parser

    from bantin.text import language

    loaded = language._identifier.cache_info().currsize
    dateparser = get_external_parser.cache_info().currsize
    ex, counts = extract_counted(body, *args)
    return ex, {**counts, "test/langid_model_loaded_before_page": loaded, "test/dateparser_made_before_page": dateparser}


def _run(extractor: Extractor, body: bytes, stats: CounterStats) -> Any:
    return asyncio.run(extractor.extract(body, "https://baonghean.vn/bai-1.html", "text/html", {}, stats))


def _real_pages(shared_data: Path) -> list[tuple[bytes, str]]:
    folder = shared_data / "crawl/pages/vi/fundus-vnexpress-2025"
    pages = [(gzip.decompress(p.read_bytes()), "https://vnexpress.net/a.html") for p in sorted(folder.glob("*.html.gz"))]
    aeb = sorted((shared_data / "crawl/benchmark/scrapinghub-aeb/html").glob("*.html.gz"))[:6]
    return pages + [(gzip.decompress(p.read_bytes()), f"https://example.com/{p.name}") for p in aeb]


def test_workers_give_the_same_article_and_counters_as_in_process(shared_data: Path) -> None:
    pool, inline = Extractor(2), Extractor(0)
    try:
        for body, url in _real_pages(shared_data):
            s_pool, s_inline = CounterStats(), CounterStats()
            hint = {"title": "Tiêu đề từ feed", "published": "2025-10-22T10:00:00+07:00"}
            got = asyncio.run(pool.extract(body, url, "text/html", hint, s_pool))
            want = asyncio.run(inline.extract(body, url, "text/html", hint, s_inline))
            assert got == want and got.text
            assert s_pool.get_stats() == s_inline.get_stats()
    finally:
        pool.close()


def test_a_new_worker_starts_warm_with_the_language_model_and_dateparser_loaded_before_its_first_page() -> None:
    # loading it takes ~0.5 s of CPU: done once in the fork server, not by every worker on its first English page
    extractor, stats = Extractor(1, target=first_page_state), CounterStats()
    try:
        assert "Nghệ An" in _run(extractor, PAGE, stats).text
        assert stats.get_value("test/langid_model_loaded_before_page") == 1
        assert stats.get_value("test/dateparser_made_before_page") == 1  # the dates htmldate leaves to it
    finally:
        extractor.close()


def test_dead_worker_fails_that_page_and_a_fresh_pool_takes_the_next() -> None:
    extractor, stats = Extractor(1, target=crash_or_extract), CounterStats()
    try:
        with pytest.raises(ExtractionFailed, match="worker died"):
            _run(extractor, CRASH, stats)
        assert stats.get_value("extract/worker_died") == 1
        assert "Nghệ An" in _run(extractor, PAGE, stats).text
    finally:
        extractor.close()


def test_hung_worker_times_out_is_killed_and_replaced() -> None:
    extractor, stats = Extractor(1, timeout_s=1.0, target=crash_or_extract), CounterStats()
    try:
        started = time.monotonic()
        with pytest.raises(ExtractionFailed, match="timed out"):
            _run(extractor, HANG, stats)
        assert time.monotonic() - started < 30
        assert stats.get_value("extract/worker_timeout") == 1
        # the killed pool is gone; a fresh one serves (its start-up may take more than the 1 s that caught the
        # hang when the machine is busy, so the replacement gets the default bound)
        extractor.timeout_s = workers_mod.EXTRACT_TIMEOUT_S
        assert "Cửa Lò" in _run(extractor, PAGE, stats).text
    finally:
        extractor.close()


def test_pool_that_cannot_start_falls_back_to_extracting_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("process limit reached")

    monkeypatch.setattr(workers_mod, "ProcessPoolExecutor", refuse)
    extractor, stats = Extractor(2), CounterStats()
    assert "Nghệ An" in _run(extractor, PAGE, stats).text
    assert stats.get_value("extract/workers_unavailable") == 1 and extractor.workers == 0
    extractor.close()


def test_auto_workers_one_per_core_none_on_one_core_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    for cores, want in ((1, 0), (2, 2), (3, 3), (64, workers_mod.MAX_AUTO_WORKERS)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert auto_workers() == want


CHILD = textwrap.dedent("""
    import asyncio, sys
    from bantin.extract.workers import Extractor
    from bantin.app.stats import CounterStats
    ex = Extractor(2)
    page = b"<html><body><article><p>" + "Tin Nghệ An. ".encode() * 50 + b"</p></article></body></html>"
    asyncio.run(ex.extract(page, "https://baonghean.vn/a.html", "text/html", {}, CounterStats()))
    pool = ex.pool()
    print(" ".join(str(p.pid) for p in pool._processes.values()), flush=True)
    sys.stdin.read()
""")


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def test_workers_exit_when_the_crawler_is_killed() -> None:
    proc = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 20
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in pids)
    finally:
        proc.kill()
