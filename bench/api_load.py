"""Load on the API from a local closed-loop generator: p50/p95/p99 latency and requests/s per endpoint, as JSON.

    python bench/api_load.py --base-url http://127.0.0.1:8000 --token bt_... [--groups queue,articles,search]
                             [--duration 20] [--concurrency 16] [--warmup 3]
    python bench/api_load.py --tiny        # builds a tiny SQLite database, serves it, loads reports/exports

The generator: CONCURRENCY asyncio tasks on one httpx.AsyncClient (keep-alive, one connection each), each
sending its next request as soon as the previous answer arrived (closed loop), cycling through the variants
of an endpoint group (different filters and queries, so no single cached plan or page is measured). Groups run
one after another; the first ``--warmup`` seconds of each are not counted. Why not locust: it would pull
gevent, Flask and a dozen other packages into the environment for the same closed-loop numbers, and its
gevent workers need as much CPU as this generator on a 2-core machine whose other core serves the API;
httpx is already a dependency (TestClient). A closed loop under-reports latency when the server stalls
(coordinated omission): the requests/s it reaches is the figure to set beside the p95, not a fixed offered rate.

Targets (issue): p95 ≤ 50 ms and ≥ 300 requests/s for queue listing, filtering and search without diacritics,
on SQLite and on PostgreSQL, with 1,000,000 stored articles (bench/build_archive.py, `bantin articles import`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
# The issue's targets for queue listing, filtering and search.
TARGET_P95_MS = 50.0
TARGET_RPS = 300.0
# Enough requests in flight to keep one uvicorn process busy without queueing most time inside it.
DEFAULT_CONCURRENCY = 16
DEFAULT_DURATION_S = 20.0
DEFAULT_WARMUP_S = 3.0
# A request slower than this is an error, not a latency sample (the figure would be meaningless anyway).
REQUEST_TIMEOUT_S = 10.0
# Search without diacritics (how officers type on phones): Nghệ An places and common topics, folded.
SEARCHES = ("nghe an", "cua lo", "lu quet", "ky son", "dien chau", "vinh", "giao thong", "du lich", "hoc sinh",
            "mua lon", "dau tu", "benh vien")
GROUPS: dict[str, list[str]] = {
    "queue": ["/api/v1/stories?limit=50", "/api/v1/stories?state=new&limit=50",
              "/api/v1/stories?state=triaged&priority=high&limit=50", "/api/v1/stories?topic=disaster&limit=50",
              "/api/v1/stories?relevance=primary&limit=50"],
    "articles": ["/api/v1/articles?relevance=primary&limit=50", "/api/v1/articles?topic=tourism&limit=50",
                 "/api/v1/articles?source_id=1&limit=50", "/api/v1/articles?language=vi&relevance=mention&limit=50",
                 "/api/v1/articles?from=2026-03-01&to=2026-03-31&limit=50"],
    "search": [f"/api/v1/articles?q={q.replace(' ', '+')}&limit=20" for q in SEARCHES],
    "reports": ["/api/v1/reports/coverage?by=topic", "/api/v1/reports/coverage?by=outlet&relevance=all",
                "/api/v1/reports/domestic-foreign", "/api/v1/reports/response-times"],
    "exports": ["/api/v1/exports/articles.csv?relevance=primary", "/api/v1/exports/stories.csv?state=new"],
}
# the groups the issue sets targets for
TARGET_GROUPS = ("queue", "articles", "search")


def percentile(sorted_ms: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return None
    rank = max(1, min(len(sorted_ms), round(q * len(sorted_ms) + 0.5)))
    return sorted_ms[rank - 1]


async def _run_group(client: httpx.AsyncClient, paths: list[str], duration: float, warmup: float,
                     concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    started = time.perf_counter()
    count_from = started + warmup
    stop = count_from + duration

    async def worker(k: int) -> None:
        i = k
        while (now := time.perf_counter()) < stop:
            path = paths[i % len(paths)]
            i += concurrency
            try:
                r = await client.get(path)
                await r.aread()
                ok, why = r.status_code < 400, str(r.status_code)
            except httpx.HTTPError as exc:
                ok, why = False, type(exc).__name__
            done = time.perf_counter()
            if now >= count_from and done <= stop:
                if ok:
                    latencies.append((done - now) * 1000)
                else:
                    errors[why] = errors.get(why, 0) + 1

    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    latencies.sort()

    def r2(v: float | None) -> float | None:
        return None if v is None else round(v, 2)

    return {"requests": len(latencies), "errors": errors, "rps": round(len(latencies) / duration, 1),
            "p50_ms": r2(percentile(latencies, 0.50)), "p95_ms": r2(percentile(latencies, 0.95)),
            "p99_ms": r2(percentile(latencies, 0.99)), "max_ms": r2(latencies[-1] if latencies else None),
            "variants": len(paths)}


async def run(base_url: str, token: str, groups: list[str], duration: float, warmup: float,
              concurrency: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    out: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                 timeout=REQUEST_TIMEOUT_S) as client:
        for name in groups:
            res = await _run_group(client, GROUPS[name], duration, warmup, concurrency)
            if name in TARGET_GROUPS:
                res["meets_target"] = bool(res["p95_ms"] is not None and res["p95_ms"] <= TARGET_P95_MS
                                           and res["rps"] >= TARGET_RPS and not res["errors"])
            out[name] = res
    return out


def run_with_wrk(base_url: str, token: str, groups: list[str], duration: float, warmup: float,
                 concurrency: int, server_pid: int | None) -> dict[str, Any]:
    import wrkload

    if not wrkload.available():
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    out: dict[str, Any] = {}
    for name in groups:
        res = wrkload.run_group(base_url, token, GROUPS[name], duration, warmup, concurrency, server_pid)
        if name in TARGET_GROUPS:
            res["meets_target"] = bool(res["p95_ms"] <= TARGET_P95_MS and res["rps"] >= TARGET_RPS
                                       and not res["errors"])
        out[name] = res
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVE_TINY = """
import sys, uvicorn
from bantin.api.app import create_app
from bantin.app.context import open_app
uvicorn.run(create_app(open_app()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def tiny(work: Path) -> tuple[dict[str, str], str]:
    """A small SQLite database (200 articles, 20 stories) and a viewer token: proves the generator works."""
    from datetime import UTC, datetime, timedelta

    sys.path.insert(0, str(ROOT))
    from bantin.accounts.tokens import issue_token
    from bantin.accounts.users import create_user
    from bantin.app.context import open_app
    from bantin.app.settings import Settings
    from bantin.store.office import Story
    from tests.reports.seed import article, source

    (work / "none.toml").write_text("")
    env = {"BANTIN_DATABASE_URL": f"sqlite:///{work / 'tiny.db'}", "BANTIN_DATA_DIR": str(work / "data"),
           "BANTIN_SOURCES_FILE": str(work / "none.toml")}
    ctx = open_app(Settings(database_url=env["BANTIN_DATABASE_URL"], data_dir=work / "data",
                            sources_file=work / "none.toml"))
    now = datetime.now(UTC)
    with ctx.sessions() as s:
        srcs = [source(s, "Báo Nghệ An", "VN", "vi"), source(s, "BBC Tiếng Việt", "GB", "vi")]
        for n in range(200):
            article(s, n, now - timedelta(hours=3 * n), source_id=srcs[n % 2],
                    relevance=("primary", "mention", "none")[n % 3], topic=("tourism", "disaster")[n % 2])
        for n in range(20):
            s.add(Story(title=f"Tin {n}", state=("new", "triaged", "responded")[n % 3], priority="normal",
                        entered_by="relevance:primary", created_at=now - timedelta(days=n), updated_at=now))
        token = issue_token(s, create_user(s, "bench", "viewer", None), "bench", "bench")[1]
        s.commit()
    ctx.engine.dispose()
    return env, token


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url")
    ap.add_argument("--token", default=os.environ.get("BANTIN_BENCH_TOKEN"))
    ap.add_argument("--groups", default=",".join(TARGET_GROUPS), help=f"comma-separated, of {sorted(GROUPS)}")
    ap.add_argument("--duration", type=float, default=DEFAULT_DURATION_S, help="seconds counted per group")
    ap.add_argument("--warmup", type=float, default=DEFAULT_WARMUP_S)
    ap.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    ap.add_argument("--generator", choices=("httpx", "wrk"), default="httpx",
                    help="wrk (Debian's package) costs the machine far less CPU than the Python client")
    ap.add_argument("--server-pid", type=int, help="with wrk: report the server's CPU ms per request")
    ap.add_argument("--tiny", action="store_true", help="serve a tiny SQLite database and load reports, exports")
    args = ap.parse_args(argv)
    groups = [g for g in args.groups.split(",") if g]
    if unknown := [g for g in groups if g not in GROUPS]:
        print(f"unknown groups {unknown}; known: {sorted(GROUPS)}", file=sys.stderr)
        return 2
    server = None
    meta: dict[str, Any] = {"python": platform.python_version(), "cpus": os.cpu_count(), "generator": args.generator,
                            "load_before": os.getloadavg()[0], "concurrency": args.concurrency,
                            "duration_s": args.duration}
    with tempfile.TemporaryDirectory(prefix="bantin-load-") as tmp:
        if args.tiny:
            env, args.token = tiny(Path(tmp))
            port = _free_port()
            args.base_url = f"http://127.0.0.1:{port}"
            if groups == list(TARGET_GROUPS):
                groups = ["reports", "exports"]
            server = subprocess.Popen([sys.executable, "-c", SERVE_TINY, str(port)],
                                      env={**os.environ, **env, "PYTHONPATH": str(ROOT)})
            _wait_up(args.base_url)
            meta["database"] = "tiny SQLite (200 articles, 20 stories)"
        if not args.base_url or not args.token:
            print("needs --base-url and --token (or BANTIN_BENCH_TOKEN), or --tiny", file=sys.stderr)
            return 2
        try:
            if args.generator == "wrk":
                results = run_with_wrk(args.base_url, args.token, groups, args.duration, args.warmup,
                                       args.concurrency, args.server_pid or (server.pid if server else None))
            else:
                results = asyncio.run(run(args.base_url, args.token, groups, args.duration, args.warmup,
                                          args.concurrency))
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
    meta["load_after"] = os.getloadavg()[0]
    print(json.dumps({"meta": meta, "targets": {"p95_ms": TARGET_P95_MS, "rps": TARGET_RPS},
                      "results": results}, ensure_ascii=False, indent=1))
    return 0


def _wait_up(base_url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the API at {base_url} did not come up in {seconds:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
