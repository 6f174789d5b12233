"""Search latency: ``GET /articles?q=...`` as the API runs it (``bantin.search.listing.article_query`` with the
page's LIMIT, newest first), p50/p95 over queries typed without diacritics, on SQLite and PostgreSQL.

The articles are the real RSS items of ../shared (title + summary), cycled with a counter in the URL to
reach ``--articles``; they are written with bulk INSERTs and indexed with ``bantin.search.index`` (the
same documents ``ingest()`` writes), skipping dedup, which this benchmark does not measure.

    python bench/search.py --articles 100000 [--pg postgresql://postgres@127.0.0.1:5432/postgres]   # JSON
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bantin.search.index import index_articles  # noqa: E402
from bantin.search.listing import ArticleFilters, article_query  # noqa: E402
from bantin.store.db import make_engine, session_factory  # noqa: E402
from bantin.store.migrate import upgrade  # noqa: E402
from bantin.store.schema import Article  # noqa: E402

NEWS = ROOT.parent / "shared" / "data" / "news" / "rss_articles.jsonl.gz"
# Queries an officer types, without diacritics: place names, common and rare words, a phrase, OR, exclusion.
QUERIES = ("nghe an", "do luong", "dau tu", "vinh", '"nghe an"', '"dau tu cong"', "lu OR lut", "bong da -viet",
           "covid", "hoc sinh", "tai nan giao thong", "gia vang", "chinh phu", "thu tuong", "xang dau",
           '"thanh pho ho chi minh"', "du lich bien", "cao toc", "bao so", "dien luc")
BATCH = 5000
REPEATS = 5


def items() -> list[tuple[str, str, str]]:
    out = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out.append((r["url"], r.get("title") or "", r.get("summary") or r.get("title") or ""))
    return out


def fill(engine, n: int, rows: list[tuple[str, str, str]]) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    for start in range(0, n, BATCH):
        values = []
        for i in range(start, min(n, start + BATCH)):
            url, title, summary = rows[i % len(rows)]
            values.append({"id": i + 1, "canonical_url": f"{url}?copy={i}", "title": title, "summary": summary,
                           "text": summary, "content_hash": hashlib.sha256(f"{i}".encode()).hexdigest(),
                           "language": "vi", "published_at": now, "fetched_at": now})
        with sessions() as s:
            s.execute(insert(Article), values)
            index_articles(s, [type("A", (), {"id": v["id"], "title": v["title"], "summary": v["summary"],
                                              "text": v["text"]})() for v in values])
            s.commit()
    with engine.begin() as c:
        c.execute(text("ANALYZE"))
    return time.perf_counter() - t0


def measure(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    times: list[float] = []
    per_query = {}
    with sessions() as s:
        for q in QUERIES:
            stmt = article_query(ArticleFilters(q=q), engine.dialect.name, limit=51, with_text=True)
            s.execute(stmt).all()  # warm
            mine = []
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                rows = s.execute(stmt).all()
                mine.append((time.perf_counter() - t0) * 1000)
            times += mine
            per_query[q] = {"ms_median": round(statistics.median(mine), 2), "rows": len(rows)}
    times.sort()
    return {"p50_ms": round(times[len(times) // 2], 2), "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
            "max_ms": round(times[-1], 2), "queries": per_query}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    args = ap.parse_args()
    rows = items()
    result: dict[str, object] = {"articles": args.articles}
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            upgrade(engine)
            result["sqlite"] = {"fill_s": round(fill(engine, args.articles, rows), 1), **measure(engine)}
            engine.dispose()
    if args.only != "sqlite":
        name = f"bantin_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            engine = make_engine(args.pg.rsplit("/", 1)[0] + "/" + name)
            upgrade(engine)
            result["postgresql"] = {"fill_s": round(fill(engine, args.articles, rows), 1), **measure(engine)}
            engine.dispose()
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
