"""CPU per API request without HTTP: the ASGI app called in this process, as JSON (µs of CPU per request).

    python bench/api_cpu.py [--url DB --token bt_...] [--requests 400] [--concurrency 8] [--profile FILE]

What it measures: the process's CPU time (every thread: the event loop, the thread pool that runs sync
routes, the audit rows' group-commit writer) per request, for each path, the requests sent ``--concurrency``
at a time by asyncio tasks on the app itself (no sockets, no HTTP parsing: uvicorn's share, ~0.2-0.4 ms a
request, is left out; bench/api_load.py --generator wrk measures the whole). CPU time is much less disturbed
by the machine's other jobs than latency is, so two versions of the code compare well from one run each.

Without ``--url`` a small SQLite database is seeded (300 articles, 120 stories, a viewer token): the
framework's cost per request and per row, not the 1M database's SQL. ``--profile FILE`` writes a cProfile
of every measured request (the thread pool's threads are not profiled: run with the routes' work on the
event loop, or use py-spy, for those).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = ("/api/v1/auth/me", "/api/v1/stories?limit=5", "/api/v1/stories?limit=50",
                 "/api/v1/articles?relevance=primary&limit=50", "/api/v1/articles?q=nghe+an&limit=20")
# Requests per path after the warm-up: a few hundred give a CPU figure stable to a few per cent.
DEFAULT_REQUESTS = 400
WARMUP_REQUESTS = 40
# As many in flight as the load benchmark's wrk connections (bench/api_load.py --generator wrk -c 8).
DEFAULT_CONCURRENCY = 8


def seed(work: Path) -> tuple[str, str]:
    """A small SQLite database (300 articles with search rows, 120 stories) and a viewer token."""
    sys.path.insert(0, str(ROOT))
    from bantin.accounts.tokens import issue_token
    from bantin.accounts.users import create_user
    from bantin.app.context import open_app
    from bantin.app.settings import Settings
    from bantin.search.index import index_articles
    from bantin.store.office import Story
    from bantin.store.schema import Article
    from tests.reports.seed import article, source

    (work / "none.toml").write_text("")
    url = f"sqlite:///{work / 'cpu.db'}"
    ctx = open_app(Settings(database_url=url, data_dir=work / "data", sources_file=work / "none.toml"))
    now = datetime.now(UTC)
    with ctx.sessions() as s:
        srcs = [source(s, "Báo Nghệ An", "VN", "vi"), source(s, "BBC Tiếng Việt", "GB", "vi")]
        ids = [article(s, n, now - timedelta(hours=3 * n), source_id=srcs[n % 2],
                       relevance=("primary", "mention", "none")[n % 3], topic=("tourism", "disaster")[n % 2],
                       summary=f"Tin {n} ở Nghệ An: du lịch, giao thông và đầu tư ở Cửa Lò") for n in range(300)]
        index_articles(s, s.query(Article).filter(Article.id.in_(ids)))
        for n in range(120):
            s.add(Story(title=f"Tin {n}", state=("new", "triaged", "responded")[n % 3], priority="normal",
                        entered_by="relevance:primary", relevance="primary", topic="tourism", copies=2,
                        outlets='["Báo Nghệ An", "BBC Tiếng Việt"]', languages='["vi"]',
                        created_at=now - timedelta(days=n), updated_at=now, due_at=now + timedelta(days=1 - n),
                        latest_published_at=now - timedelta(days=n), first_published_at=now - timedelta(days=n)))
        token = issue_token(s, create_user(s, "bench", "viewer", None), "bench", "bench")[1]
        s.commit()
    ctx.engine.dispose()
    return url, token


def _scope(path: str, token: str) -> dict[str, Any]:
    raw, _, query = path.partition("?")
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": raw, "raw_path": raw.encode(), "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}


async def _call(app: Any, path: str, token: str) -> int:
    status = 0
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(_scope(path, token), receive, send)
    return status


async def _measure(app: Any, path: str, token: str, n: int, concurrency: int,
                   prof: cProfile.Profile | None) -> dict[str, Any]:
    statuses: dict[int, int] = {}

    async def worker(count: int) -> None:
        for _ in range(count):
            code = await _call(app, path, token)
            statuses[code] = statuses.get(code, 0) + 1

    await asyncio.gather(*(worker(WARMUP_REQUESTS // concurrency + 1) for _ in range(concurrency)))
    statuses.clear()
    per = max(1, n // concurrency)
    if prof:
        prof.enable()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(per) for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    if prof:
        prof.disable()
    total = per * concurrency
    return {"path": path, "requests": total, "cpu_us_per_request": round(cpu / total * 1e6),
            "wall_rps": round(total / wall, 1), "statuses": statuses}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="database URL (default: a small seeded SQLite database)")
    ap.add_argument("--token", default=os.environ.get("BANTIN_BENCH_TOKEN"))
    ap.add_argument("--paths", default=",".join(DEFAULT_PATHS), help="comma-separated request paths")
    ap.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="measured requests per path")
    ap.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    ap.add_argument("--rounds", type=int, default=1, help="measure every path this many times, interleaved")
    ap.add_argument("--profile", help="write a cProfile of the measured requests here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bantin-cpu-") as tmp:
        if args.url:
            if not args.token:
                print("--url needs --token (or BANTIN_BENCH_TOKEN)", file=sys.stderr)
                return 2
            url, token = args.url, args.token
        else:
            url, token = seed(Path(tmp))
        os.environ.update({"BANTIN_DATABASE_URL": url, "BANTIN_DATA_DIR": str(Path(tmp) / "data"),
                           "BANTIN_SOURCES_FILE": str(Path(tmp) / "none.toml"),
                           "BANTIN_RATE_LIMIT_PER_MINUTE": "100000000"})
        (Path(tmp) / "none.toml").write_text("")
        from bantin.app.asgi import app_from_environment

        app = app_from_environment()
        prof = cProfile.Profile() if args.profile else None
        results: list[dict[str, Any]] = []
        load = os.getloadavg()[0]
        for _ in range(args.rounds):
            for path in [p for p in args.paths.split(",") if p]:
                results.append(asyncio.run(_measure(app, path, token, args.requests, args.concurrency, prof)))
        if prof:
            prof.dump_stats(args.profile)
    print(json.dumps({"meta": {"python": sys.version.split()[0], "cpus": os.cpu_count(), "load_before": load,
                               "load_after": os.getloadavg()[0], "concurrency": args.concurrency,
                               "database": "given" if args.url else "seeded SQLite (300 articles, 120 stories)"},
                      "results": results}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
