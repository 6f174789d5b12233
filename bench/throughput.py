"""Throughput benchmark: the whole crawl pipeline vs bare ``trafilatura.extract``, same pages, same run.

Pages (read-only from ``../shared/data/crawl``, never copied): the 181 scrapinghub-aeb pages, the 5 Vietnamese
*article* pages under ``pages/vi`` (fundus VnExpress 2025, htmldate VnExpress 2023, the three
``articles-no-gt`` VnExpress pages; the three Dân trí *home pages* in ``listing-pages`` are left out: a feed
never lists them) and the first ``--fundus-per-country`` fundus pages of each of its 40 country folders.

A loopback HTTP/1.1 server in a child process (the publisher: it must not share our GIL or reactor) serves
each page at ``/<original host><original path>`` (gzip when asked, like real publishers), ``/robots.txt``
and one RSS feed listing every page (title and link only: no description, so a page without text is a
failure, not a silent fall-back to the feed summary). In this process, one after the other:

1. bare ``trafilatura.extract(body, url=url)`` over all pages (bytes as served, before gzip);
2. the whole pipeline: fresh SQLite database in a temp dir, one source whose feed is the loopback feed,
   ``bantin.app.crawl.crawl(app, once=True, show_progress=False)`` with loopback allowed and no host delay
   (fetch → decode → extract → date → normalise → dedup → store); per-stage self time by wrapping the
   stage functions (exclusive: a nested stage's time is not counted twice);
3. ``extract_article`` alone over the same bytes (no fetch, no database): what extraction costs by itself;
4. bare ``trafilatura.extract`` again.
Between 1 and 2, the control: bare ``trafilatura.extract`` split across as many processes as the crawl has
extraction workers, all at once (bench/bare_parallel.py), so that the machine's own cost of parallel work is seen.

The crawl runs as shipped: extraction in worker processes, one per usable core (``--extract-workers 0``
extracts on the reactor thread instead, as before the pool existed; the per-stage extraction timings below
are only seen then). The Twisted reactor runs once per process, so the crawl runs once. ratio = pipeline
pages/s over bare pages/s, bare taken from the mean of the two bare wall times (load drift on a shared
machine hits both). CPU ratios count the workers' CPU too (read from /proc before the pool shuts down); the
fork server they are forked from (imports and warm-up, once per crawler process) is reported apart, not counted,
as bare trafilatura's imports and first call are not.

Usage: ``python bench/throughput.py [--extract-workers N] [--fundus-per-country N] [--profile FILE.prof]``;
prints one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import gzip
import inspect
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CRAWL = ROOT.parent / "shared" / "data" / "crawl"
AEB = CRAWL / "benchmark" / "scrapinghub-aeb"
VI_ARTICLE_DIRS = ("pages/vi/fundus-vnexpress-2025", "pages/vi/htmldate-vnexpress-2023", "pages/vi/articles-no-gt")
FUNDUS = CRAWL / "pages" / "fundus"
# One page per fundus country (40) adds non-aeb layouts and languages without drowning the aeb set.
DEFAULT_FUNDUS_PER_COUNTRY = 1
FEED_PATH = "/rss/all.rss"
# Publishers gzip HTML; below this size it is not worth it (nginx's gzip_min_length is of this order).
GZIP_MIN_BYTES = 1024
# The crawl is one call; a stuck one (server died) must not hang the benchmark forever.
SERVER_START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Page:
    route: str  # /<host><path>
    body: bytes  # uncompressed bytes as the publisher sends them
    content_type: str
    group: str  # aeb | vi | fundus
    origin: str  # path under ../shared/data/crawl


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def load_pages(fundus_per_country: int) -> list[Page]:
    """The page set, in a fixed order (the feed lists them in this order)."""
    by_path: dict[str, tuple[str, str]] = {}
    for line in (CRAWL / "url-map.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        url, rel_path, _enc, ctype, *_ = line.split("\t")
        by_path[rel_path] = (url, ctype)
    files: list[tuple[str, Path]] = [("aeb", p) for p in sorted((AEB / "html").glob("*.html.gz"))]
    for d in VI_ARTICLE_DIRS:
        files += [("vi", p) for p in sorted((CRAWL / d).iterdir()) if p.name.endswith((".html", ".html.gz"))]
    for country in sorted(p for p in FUNDUS.iterdir() if p.is_dir()):
        files += [("fundus", p) for p in sorted(country.glob("*.html.gz"))[:fundus_per_country]]
    from bantin.extract.canonical import canonicalize_url

    pages, seen = [], set()
    for group, path in files:
        rel = str(path.relative_to(CRAWL))
        url, ctype = by_path.get(rel, (f"http://unknown.invalid/{path.name}", "text/html"))
        try:  # the frontier requests canonical URLs (?ref=rss and empty parameters dropped): serve those
            url = canonicalize_url(url)
        except ValueError:
            pass
        parts = urlsplit(url)
        route = f"/{parts.hostname}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
        while route in seen:  # two captures of one URL: keep both, at distinct routes
            route += "x" if "?" in route else "?v=2"
        seen.add(route)
        pages.append(Page(route, _read(path), ctype, group, rel))
    return pages


def rss(base: str, pages: list[Page]) -> bytes:
    now = format_datetime(datetime.now(UTC))
    items = "".join(
        f"<item><title>{escape(p.route.rsplit('/', 1)[-1] or p.route)}</title>"
        f"<link>{escape(base + p.route)}</link><guid>{escape(base + p.route)}</guid>"
        f"<pubDate>{now}</pubDate></item>"
        for p in pages
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench</title>'
            f"<link>{base}/</link><description>throughput bench</description>{items}</channel></rss>").encode()


# ---------------------------------------------------------------- the publisher (child process)
def serve(fundus_per_country: int) -> None:
    """Serve the pages on 127.0.0.1:0; print the port, run until stdin closes."""
    pages = load_pages(fundus_per_country)
    routes: dict[str, tuple[bytes, bytes | None, str]] = {}
    for p in pages:
        gz = gzip.compress(p.body, 6) if len(p.body) >= GZIP_MIN_BYTES else None
        routes[p.route] = (p.body, gz, p.content_type)
    routes["/robots.txt"] = (b"User-agent: *\nAllow: /\n", None, "text/plain")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy's HTTP/1.1 pool expects from real servers
        # Headers and body go out in two writes; with Nagle on, the body waits for the client's delayed ACK
        # (~40 ms a response on Linux loopback). Real publishers' servers (nginx, …) set TCP_NODELAY.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802
            found = routes.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, gz, ctype = found
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            if gz is not None and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gz
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    routes[FEED_PATH] = (rss(base, pages), None, "application/rss+xml; charset=utf-8")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # parent closes stdin (or dies): stop
    server.shutdown()


@contextmanager
def publisher(fundus_per_country: int) -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", "--fundus-per-country", str(fundus_per_country)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError("loopback publisher did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# ---------------------------------------------------------------- per-stage timing
class Stages:
    """Exclusive (self) time per stage, wall and this thread's CPU: a wrapped call nested in another is
    subtracted from it. CPU time is the steadier figure on a shared machine (others' load inflates wall)."""

    def __init__(self) -> None:
        self.self_s: dict[str, float] = defaultdict(float)
        self.self_cpu_s: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        # per thread (the crawl core's database work runs on a thread of its own): frames are
        # [name, wall start, cpu start, nested wall, nested cpu]
        self._local = threading.local()
        self.first_due_feeds: float | None = None
        self.first_due_feeds_cpu = 0.0
        self.download_latency_s: list[float] = []
        self.groups: list[int] = []  # pages per stored group (ingest.storegroups)

    @property
    def _stack(self) -> list[list[Any]]:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        return self._local.stack

    def wrap(self, name: str | Callable[[list[list[Any]]], str], fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            label = name if isinstance(name, str) else name(self._stack)
            frame: list[Any] = [label, time.perf_counter(), time.thread_time(), 0.0, 0.0]
            self._stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                self._stack.pop()
                wall, cpu = time.perf_counter() - frame[1], time.thread_time() - frame[2]
                self.self_s[label] += wall - frame[3]
                self.self_cpu_s[label] += cpu - frame[4]
                self.calls[label] += 1
                if self._stack:
                    self._stack[-1][3] += wall
                    self._stack[-1][4] += cpu

        return inner


def _instrument(stack: ExitStack, st: Stages) -> None:
    import trafilatura
    import trafilatura.utils

    from bantin.extract import article as extract
    from bantin.extract import workers
    from bantin.ingest import store as ingest_store
    from bantin.ingest.core import CrawlCore

    def patch(obj: Any, attr: str, name: str | Callable[[list[list[Any]]], str]) -> None:
        stack.enter_context(mock.patch.object(obj, attr, st.wrap(name, getattr(obj, attr))))

    patch(extract, "decode_html", "decode")
    if hasattr(extract, "_load_tree"):
        patch(extract, "_load_tree", "parse")
    else:  # before extract.py had its own loader, extract_article imported this one at call time
        patch(trafilatura.utils, "load_html", "parse")
    patch(extract, "page_canonical", "canonical")
    patch(extract, "_page_meta", "meta")
    patch(extract, "_lead", "lead")
    patch(extract, "_find_date", "date")
    patch(trafilatura, "bare_extraction", "trafilatura")
    patch(extract, "normalize_vi", "normalise")
    patch(extract, "detect_language", "language")
    patch(workers, "extract_article", "extract_other")  # the spider's path (inline with --extract-workers 0)
    for fn in ("content_hash", "signature", "fingerprint", "credit_source"):  # fingerprint: both in one pass
        if hasattr(ingest_store, fn):
            patch(ingest_store, fn, "dedup")
    patch(ingest_store, "near_duplicates", "dedup")  # the shared band-key lookup (a SELECT) and its verify
    patch(ingest_store, "add_bands", "dedup")
    patch(CrawlCore, "feed_fetched", "feed")
    # a transaction inside feed handling is feed work; every other one stores (or records) an article
    patch(CrawlCore, "_tx", lambda s: "feed" if s and s[-1][0] == "feed" else "store")

    due_feeds = CrawlCore.due_feeds

    def first_due(self: CrawlCore, *a: Any, **k: Any) -> Any:
        if st.first_due_feeds is None:
            st.first_due_feeds, st.first_due_feeds_cpu = time.perf_counter(), time.process_time()
        return due_feeds(self, *a, **k)

    stack.enter_context(mock.patch.object(CrawlCore, "due_feeds", first_due))
    store_extracted = CrawlCore.store_extracted

    def store(self: CrawlCore, task: Any, res: Any, ex: Any) -> Any:
        st.download_latency_s.append(res.elapsed_s)  # every page is stored (or recorded as textless) here
        return store_extracted(self, task, res, ex)

    stack.enter_context(mock.patch.object(CrawlCore, "store_extracted", store))
    patch(CrawlCore, "store_extracted", "article_other")
    if hasattr(CrawlCore, "store_many"):  # the spider stores pages in groups (ingest.storegroups) since session 15
        store_many = CrawlCore.store_many

        def many(self: CrawlCore, items: Any) -> Any:
            st.download_latency_s.extend(res.elapsed_s for _, res, _ in items)
            st.groups.append(len(items))
            return store_many(self, items)

        stack.enter_context(mock.patch.object(CrawlCore, "store_many", many))
        patch(CrawlCore, "store_many", "store")  # the group's transaction is not one of _tx's


def _sample_worker_cpu(stack: ExitStack, out: dict[str, float]) -> None:
    """Extraction workers are the fork server's children, invisible to os.times(): read their CPU time from
    /proc just before the pool shuts down (max_tasks_per_child is far above this page count)."""
    from bantin.extract.workers import Extractor

    close = Extractor.close
    tick = os.sysconf("SC_CLK_TCK")

    def sampled_close(self: Extractor) -> None:
        try:  # the fork server: its imports and warm-up are a one-off per crawler process, reported apart
            from multiprocessing import forkserver

            pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out["forkserver_cpu_s"] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError, AttributeError):
            pass
        for proc in list((getattr(self.pool(), "_processes", None) or {}).values()):
            try:
                fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
                out["cpu_s"] = out.get("cpu_s", 0.0) + (int(fields[11]) + int(fields[12])) / tick
                status = Path(f"/proc/{proc.pid}/status").read_text()
                peak_kb = int(status.split("VmHWM:", 1)[1].split()[0])
                out["peak_rss_mb_max"] = max(out.get("peak_rss_mb_max", 0.0), peak_kb / 1024)
            except (OSError, IndexError, ValueError):
                pass
        close(self)

    stack.enter_context(mock.patch.object(Extractor, "close", sampled_close))


# What crawl() imports on its first call (Scrapy's engine, handlers, middlewares, extensions): a one-off
# per process, like trafilatura's own imports, so it is done before the clocks start (it took 5 s under load).
CRAWL_IMPORTS = (
    "scrapy.crawler", "scrapy.core.engine", "scrapy.core.scraper", "scrapy.core.downloader",
    "scrapy.core.downloader.handlers.http11", "scrapy.downloadermiddlewares.httpcompression",
    "scrapy.downloadermiddlewares.redirect", "scrapy.downloadermiddlewares.stats",
    "scrapy.downloadermiddlewares.useragent", "scrapy.downloadermiddlewares.defaultheaders",
    "scrapy.downloadermiddlewares.downloadtimeout", "scrapy.downloadermiddlewares.httpauth",
    "scrapy.downloadermiddlewares.offsite", "scrapy.spidermiddlewares.httperror",
    "scrapy.spidermiddlewares.referer", "scrapy.spidermiddlewares.urllength", "scrapy.spidermiddlewares.depth",
    "scrapy.extensions.corestats", "scrapy.extensions.logstats", "scrapy.extensions.memusage",
    "scrapy.extensions.telnet", "scrapy.pqueues", "scrapy.squeues", "scrapy.core.scheduler",
    "bantin.ingest.spider", "bantin.fetch.ssrf_middleware", "bantin.fetch.robots_middleware", "bantin.fetch.retry_middleware", "bantin.fetch.scrapy_config",
    "bantin.feeds.parse", "bantin.ingest.frontier",
)


def preimport() -> None:
    import importlib

    for name in CRAWL_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:  # a module renamed in another Scrapy version: it is then imported in the crawl
            pass


# ---------------------------------------------------------------- the runs
@contextmanager
def frozen_gc(enabled: bool) -> Iterator[None]:
    """With --gc-freeze, whatever the process holds so far is left out of the collector's scans during a
    timed section (every section alike). Without it the sections see the process as it is: the crawl then
    pays for full collections over Scrapy, SQLAlchemy and everything imported, and bare run 2 for the crawl's
    leftovers."""
    if not enabled:
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def bare_run(pages: list[Page], base: str, gc_freeze: bool) -> dict[str, Any]:
    with frozen_gc(gc_freeze):
        return _bare_run(pages, base)


def _bare_run(pages: list[Page], base: str) -> dict[str, Any]:
    import trafilatura

    empty = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for p in pages:
        empty += not trafilatura.extract(p.body, url=base + p.route)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "pages_per_s": round(len(pages) / wall, 2),
            "ms_per_page": round(1000 * wall / len(pages), 1), "cpu_ms_per_page": round(1000 * cpu / len(pages), 1),
            "no_text": empty}


def extract_only_run(pages: list[Page], base: str, gc_freeze: bool) -> dict[str, Any]:
    with frozen_gc(gc_freeze):
        return _extract_only_run(pages, base)


def _extract_only_run(pages: list[Page], base: str) -> dict[str, Any]:
    from bantin.extract.article import extract_article

    empty = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for p in pages:
        empty += not extract_article(p.body, base + p.route, p.content_type).text
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "pages_per_s": round(len(pages) / wall, 2),
            "ms_per_page": round(1000 * wall / len(pages), 1), "cpu_ms_per_page": round(1000 * cpu / len(pages), 1),
            "no_text": empty}


def pipeline_run(pages: list[Page], base: str, profile: str | None, extract_workers: int | None = None,
                 gc_freeze: bool = False) -> dict[str, Any]:
    from sqlalchemy import func, select

    from bantin.app.context import open_app
    from bantin.app.crawl import crawl
    from bantin.app.settings import Settings
    from bantin.store.schema import Article, ArticleURL, FetchLog, FrontierItem

    st = Stages()
    with tempfile.TemporaryDirectory(prefix="bantin-throughput-") as tmp:
        sources = Path(tmp) / "sources.toml"
        sources.write_text(f'[[source]]\nname = "Loopback bench"\nhome_url = "{base}/"\nlanguage = "vi"\n'
                           f'country = "VN"\nfeeds = ["{base}{FEED_PATH}"]\n', encoding="utf-8")
        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/bantin.db", allow_loopback=True,
                            min_host_delay_s=0.0, sources_file=sources, extract_workers=extract_workers)
        t_app = time.perf_counter()
        app = open_app(settings)
        open_app_s = time.perf_counter() - t_app
        # CPU time of the reactor thread (wall time on a loaded machine is mostly waiting for a core)
        prof = cProfile.Profile(time.thread_time) if profile else None
        # classification is not part of the measured pipeline (fetch → … → store): timed on its own below
        crawl_kwargs: dict[str, Any] = {"classify": False} if "classify" in inspect.signature(crawl).parameters else {}
        workers: dict[str, float] = {}
        with ExitStack() as stack:
            _sample_worker_cpu(stack, workers)
            _instrument(stack, st)
            stack.enter_context(frozen_gc(gc_freeze))  # as run.py would do before process.start()
            t0, c0 = time.perf_counter(), time.process_time()
            if prof:
                prof.enable()
            stats = crawl(app, once=True, show_progress=False, **crawl_kwargs)
            if prof:
                prof.disable()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        workers_cpu = workers.get("cpu_s", 0.0)  # includes each worker's warm-up page
        main_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if prof and profile:
            prof.dump_stats(profile)
        classify_s = classify_cpu_s = None
        if crawl_kwargs:
            from bantin.app.crawl import classify_new

            t_cls, c_cls = time.perf_counter(), time.process_time()
            classify_new(app)  # as the crawl's periodic job does (model load included: once per process)
            classify_s, classify_cpu_s = time.perf_counter() - t_cls, time.process_time() - c_cls
        with app.sessions() as s:
            articles = s.scalar(select(func.count()).select_from(Article)) or 0
            aliases = s.scalar(select(func.count()).select_from(ArticleURL)) or 0
            frontier = dict(s.execute(select(FrontierItem.state, func.count()).group_by(FrontierItem.state)).all())
            outcomes = dict(s.execute(select(FetchLog.outcome, func.count()).where(FetchLog.kind == "article")
                                      .group_by(FetchLog.outcome)).all())
            failures = [{"url": u.replace(base, ""), "outcome": o, "error": e}
                        for u, o, e in s.execute(select(FetchLog.url, FetchLog.outcome, FetchLog.error)
                                                 .where(FetchLog.kind == "article", FetchLog.outcome != "ok"))]
        app.engine.dispose()
    startup = (st.first_due_feeds - t0) if st.first_due_feeds else None
    startup_cpu = (st.first_due_feeds_cpu - c0) if st.first_due_feeds else 0.0
    n = len(pages)
    stages = {k: {"wall_ms": round(1000 * v / n, 1), "cpu_ms": round(1000 * st.self_cpu_s[k] / n, 1)}
              for k, v in sorted(st.self_s.items(), key=lambda kv: -kv[1])}
    # the rest: Scrapy (engine, middlewares, HTTP, gzip), the reactor, logging, waiting for the publisher
    stages["rest_fetch_engine"] = {
        "wall_ms": round(1000 * (wall - sum(st.self_s.values()) - (startup or 0.0)) / n, 1),
        "cpu_ms": round(1000 * (cpu - sum(st.self_cpu_s.values()) - startup_cpu) / n, 1),
    }
    processed = len(st.download_latency_s)
    keep = ("downloader/request_count", "downloader/response_count", "downloader/response_bytes",
            "ingest/article_new", "ingest/dup_url", "ingest/dup_hash", "dedup/near_dup", "extract/no_body",
            "extract/lead_added", "extract/date_found", "extract/date_missing", "extract/charset_lie",
            "extract/charset_detected", "extract/trafilatura_error", "ingest/internal_error")
    return {
        "wall_s": round(wall, 3), "cpu_s": round(cpu + workers_cpu, 3), "pages_per_s": round(len(pages) / wall, 2),
        "extract_workers_cpu_s": round(workers_cpu, 3),
        # imports and warm-up in the process the workers fork from, once per crawler process (like bare
        # trafilatura's imports and first call, done before its clock starts): not in the ratio
        "extract_forkserver_cpu_s_not_counted": round(workers["forkserver_cpu_s"], 3)
        if "forkserver_cpu_s" in workers else None,
        "peak_rss_mb": {"crawler": round(main_peak_mb), "each_worker_max": round(workers.get("peak_rss_mb_max", 0.0))},
        "ms_per_page": round(1000 * wall / len(pages), 1),
        "open_app_s_not_counted": round(open_app_s, 3),  # migrations on the fresh database
        # crawl --once then classifies the new articles (build the classifier, classify): not in the ratio
        "classify_after_crawl_s_not_counted": round(classify_s, 3) if classify_s is not None else None,
        "classify_after_crawl_cpu_s": round(classify_cpu_s, 3) if classify_cpu_s is not None else None,
        "startup_s": round(startup, 3) if startup is not None else None,
        "pages_per_s_after_startup": round(len(pages) / (wall - startup), 2) if startup else None,
        "startup_cpu_s": round(startup_cpu, 3),
        "cpu_ms_per_page": round(1000 * (cpu + workers_cpu) / n, 1),
        "stage_self_ms_per_page": stages,
        "stage_calls": dict(st.calls),
        "store_groups": {"groups": len(st.groups), "mean_pages": round(statistics.fmean(st.groups), 2),
                         "max_pages": max(st.groups)} if st.groups else None,
        "download_latency_ms": {"mean": round(1000 * statistics.fmean(st.download_latency_s), 1),
                                "max": round(1000 * max(st.download_latency_s), 1)} if processed else None,
        "articles_processed": processed, "articles_stored": articles, "url_aliases": aliases,
        "frontier": frontier, "fetch_log_article_outcomes": outcomes, "failures": failures,
        "stats": {k: stats[k] for k in keep if k in stats},
    }


def machine() -> dict[str, Any]:
    import lxml.etree
    import scrapy
    import trafilatura

    return {
        "cpus": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)), "python": platform.python_version(),
        "platform": platform.platform(), "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "trafilatura": trafilatura.__version__, "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
        "scrapy": scrapy.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fundus-per-country", type=int, default=DEFAULT_FUNDUS_PER_COUNTRY)
    ap.add_argument("--profile", help="write a cProfile of the crawl to this file")
    ap.add_argument("--extract-workers", type=int, default=None,
                    help="BANTIN_EXTRACT_WORKERS for the crawl (default: as shipped, one per core; 0: in-process)")
    ap.add_argument("--gc-freeze", action="store_true",
                    help="gc.collect()+gc.freeze() before every timed section (prototype of the same in run.py)")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the child publisher
    args = ap.parse_args(argv)
    if not AEB.is_dir():
        print(json.dumps({"error": f"benchmark data not found at {AEB} (needs ../shared)"}))
        return 2
    if args.serve:
        serve(args.fundus_per_country)
        return 0
    from bantin.extract.workers import auto_workers
    from bench.bare_parallel import bare_parallel_run

    workers = auto_workers() if args.extract_workers is None else args.extract_workers
    result: dict[str, Any] = {"machine": machine(), "extract_workers": workers, "prototypes": {"gc_freeze": args.gc_freeze}}
    pages = load_pages(args.fundus_per_country)
    groups = Counter(p.group for p in pages)
    result["pages"] = {"total": len(pages), **groups, "mb": round(sum(len(p.body) for p in pages) / 1e6, 1),
                       "fundus_per_country": args.fundus_per_country,
                       "vi_dirs": list(VI_ARTICLE_DIRS), "vi_left_out": "pages/vi/listing-pages (home pages)"}
    with publisher(args.fundus_per_country) as base:
        import trafilatura

        from bantin.extract.article import extract_article

        # warm-up: imports and lazy initialisation are not per-page cost (one page each)
        preimport()
        trafilatura.extract(pages[0].body, url=base + pages[0].route)
        extract_article(pages[0].body, base + pages[0].route, pages[0].content_type)
        bare1 = bare_run(pages, base, args.gc_freeze)
        parallel = bare_parallel_run([(p.body, base + p.route) for p in pages], workers) if workers > 1 else None
        pipe = pipeline_run(pages, base, args.profile, workers, args.gc_freeze)
        only = extract_only_run(pages, base, args.gc_freeze)
        bare2 = bare_run(pages, base, args.gc_freeze)
    bare_wall = (bare1["wall_s"] + bare2["wall_s"]) / 2
    bare_rate = len(pages) / bare_wall
    result["bare_trafilatura_1"] = bare1
    result["pipeline"] = pipe
    result["extract_article_only"] = only
    result["bare_trafilatura_2"] = bare2
    result["ratio_pipeline_over_bare"] = round(pipe["pages_per_s"] / bare_rate, 3)
    if pipe["pages_per_s_after_startup"]:
        result["ratio_pipeline_after_startup_over_bare"] = round(pipe["pages_per_s_after_startup"] / bare_rate, 3)
    result["ratio_extract_only_over_bare"] = round(only["pages_per_s"] / bare_rate, 3)
    if pipe["classify_after_crawl_s_not_counted"] is not None:  # the pipeline with classification included
        with_cls = len(pages) / (pipe["wall_s"] + pipe["classify_after_crawl_s_not_counted"])
        result["ratio_pipeline_with_classification_over_bare"] = round(with_cls / bare_rate, 3)
    # the same ratios in CPU time of this process (the publisher runs in its own): steadier when others load
    # the machine, blind to time spent waiting
    bare_cpu = (bare1["cpu_s"] + bare2["cpu_s"]) / 2
    result["cpu_ratio_pipeline_over_bare"] = round(bare_cpu / pipe["cpu_s"], 3)
    result["cpu_ratio_pipeline_after_startup_over_bare"] = round(bare_cpu / (pipe["cpu_s"] - pipe["startup_cpu_s"]), 3)
    result["cpu_ratio_extract_only_over_bare"] = round(bare_cpu / only["cpu_s"], 3)
    if pipe["classify_after_crawl_cpu_s"] is not None:
        result["cpu_ratio_pipeline_with_classification_over_bare"] = round(
            bare_cpu / (pipe["cpu_s"] + pipe["classify_after_crawl_cpu_s"]), 3)
    if parallel:  # the control: bare trafilatura as parallel as the pipeline's extraction (bench/bare_parallel.py)
        result["bare_trafilatura_parallel"] = {
            **parallel, "parallel_penalty_cpu": round(2 * parallel["cpu_s"] / (bare1["cpu_s"] + bare2["cpu_s"]), 3)}
        result["cpu_ratio_pipeline_over_parallel_bare"] = round(parallel["cpu_s"] / pipe["cpu_s"], 3)
    result["bare_drift_run2_over_run1"] = round(bare2["wall_s"] / bare1["wall_s"], 3)
    result["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
