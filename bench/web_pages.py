"""Server time of the web UI's pages (issue #10: p95 <= 300 ms at 1,000,000 articles), as JSON.

    python bench/build_db.py --url sqlite:////tmp/bantin-bench1m.db --articles 1000000     # the database
    python bench/web_pages.py --url sqlite:////tmp/bantin-bench1m.db [--requests 50] [--warmup 3]
    python bench/web_pages.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bantin_bench1m

The app runs in this process (``api.app.create_app`` on the database) behind Starlette's TestClient: what is
timed is the server's work for one page (guard, audit row and its commit, queries, template, gzip), one
request at a time, without a network or a browser. Each page cycles through variants (filters, queries,
stories) so no single cached plan is measured. A signed-in admin is a bearer token of a bench user
("bench-web", created once, its token revoked at the end; pages accept tokens as the API does).
A page whose route is not in the app yet is reported with its status, not timed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import SEARCHES, percentile  # noqa: E402

# The issue's budget for a page's server time.
TARGET_P95_MS = 300.0
DEFAULT_REQUESTS = 50
DEFAULT_WARMUP = 3
BENCH_USER = "bench-web"
# Story pages: this many of the newest stories, cycled.
STORY_SAMPLE = 20
# One client sends every request: the API's per-client rate limit would answer 429 and stop the timing.
UNLIMITED_PER_MINUTE = 10_000_000
QUEUE_FILTERS = ("/?state=new", "/?state=triaged&priority=high", "/?topic=disaster", "/?relevance=primary")


def pages(story_ids: list[int]) -> dict[str, list[str]]:
    return {
        "queue": ["/"],
        "queue_filtered": list(QUEUE_FILTERS),
        "story": [f"/stories/{sid}" for sid in story_ids] or ["/stories/1"],
        "search_no_diacritics": [f"/search?q={q.replace(' ', '+')}" for q in SEARCHES],
        # the archive's last month and a year (bench/build_archive.py ends on 2026-09-01): ranges with data
        "reports": ["/reports", "/reports?from=2026-08-01&to=2026-08-31",
                    "/reports?from=2026-08-01&to=2026-08-31&by=outlet",
                    "/reports?from=2025-09-01&to=2026-08-31&by=language&relevance=all"],
        "report_chart": ["/reports/coverage.svg?from=2026-08-01&to=2026-08-31",
                         "/reports/origin.svg?from=2026-08-01&to=2026-08-31"],
    }


def bench_token(ctx: Any) -> tuple[str, int]:
    from sqlalchemy import select

    from bantin.accounts.tokens import issue_token
    from bantin.accounts.users import create_user
    from bantin.store.office import User

    with ctx.sessions() as s:
        user = s.scalars(select(User).where(User.name == BENCH_USER)).one_or_none()
        if user is None:
            user = create_user(s, BENCH_USER, "admin", None)
            s.flush()
        row, plain = issue_token(s, user, "bench/web_pages.py", "bench")
        s.commit()
        return plain, row.id


def revoke(ctx: Any, token_id: int) -> None:
    from bantin.store.office import ApiToken

    with ctx.sessions() as s:
        row = s.get(ApiToken, token_id)
        if row is not None:
            s.delete(row)
            s.commit()


def time_page(client: Any, paths: list[str], headers: dict[str, str], requests: int, warmup: int) -> dict[str, Any]:
    statuses: dict[int, int] = {}
    ms: list[float] = []
    for i in range(warmup + requests):
        path = paths[i % len(paths)]
        t = time.perf_counter()
        r = client.get(path, headers=headers)
        elapsed = (time.perf_counter() - t) * 1000
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        if i >= warmup and r.status_code == 200:
            ms.append(elapsed)
    ms.sort()
    out: dict[str, Any] = {"variants": len(paths), "statuses": statuses, "timed": len(ms)}
    if ms:
        p95 = percentile(ms, 0.95) or 0.0
        out.update(p50_ms=round(percentile(ms, 0.50) or 0.0, 1), p95_ms=round(p95, 1), max_ms=round(ms[-1], 1),
                   mean_ms=round(statistics.fmean(ms), 1), within_target=p95 <= TARGET_P95_MS)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="the database bench/build_db.py built")
    ap.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="timed requests per page")
    ap.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, help="untimed requests per page first")
    ap.add_argument("--pages", default=",".join(pages([])), help="comma-separated: " + ",".join(pages([])))
    args = ap.parse_args(argv)

    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from bantin.api.app import create_app
    from bantin.app.context import open_app
    from bantin.app.settings import Settings
    from bantin.store.office import Story
    from bantin.store.schema import Article

    work = Path(tempfile.mkdtemp(prefix="bantin-web-bench-"))
    (work / "no-sources.toml").write_text("")
    ctx = open_app(Settings(database_url=args.url, data_dir=work / "data", sources_file=work / "no-sources.toml",
                            rate_limit_per_minute=UNLIMITED_PER_MINUTE),
                   seed_sources=False)
    with ctx.sessions() as s:
        articles = s.scalar(select(func.count()).select_from(Article)) or 0
        story_ids = list(s.scalars(select(Story.id).order_by(Story.id.desc()).limit(STORY_SAMPLE)))
    token, token_id = bench_token(ctx)
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    report: dict[str, Any] = {"url": ctx.engine.url.render_as_string(hide_password=True), "articles": articles,
                              "requests": args.requests, "target_p95_ms": TARGET_P95_MS, "pages": {}}
    try:
        with TestClient(create_app(ctx), follow_redirects=False) as client:
            for name, paths in pages(story_ids).items():
                if name in args.pages.split(","):
                    report["pages"][name] = time_page(client, paths, headers, args.requests, args.warmup)
                    print(json.dumps({name: report["pages"][name]}), file=sys.stderr, flush=True)
    finally:
        revoke(ctx, token_id)
        ctx.engine.dispose()
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
