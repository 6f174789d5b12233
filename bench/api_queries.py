"""The SQL of bench/api_load.py's variants alone (no HTTP, no audit): median and max time, and the plan.

Each variant's SELECT is built by the code the API runs (``search.listing.article_query``,
``queue.listing.story_query``) with the same filters and LIMIT (limit + 1), then run RUNS times after one
warm-up on one connection; ``--explain`` adds EXPLAIN QUERY PLAN (SQLite) / EXPLAIN ANALYZE (PostgreSQL).
Separates the database's share of a request from the API's (auth, the audit commit, serialisation).

    python bench/api_queries.py --url sqlite:////tmp/bantin-bench1m.db [--explain]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import text
from sqlalchemy.orm import Session

from bantin.queue.listing import StoryFilters, story_query
from bantin.search.listing import ArticleFilters, article_query
from bantin.store.db import make_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import GROUPS, TARGET_GROUPS  # noqa: E402

# Timed runs per variant (after one warm-up): enough for a median on a shared machine, few enough to stay quick.
RUNS = 7


def _when(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def statement(path: str, dialect: str) -> Any:
    """The SELECT the API runs for ``path`` (a variant of api_load.GROUPS)."""
    parts = urlsplit(path)
    qs = {k: v for k, v in parse_qs(parts.query).items()}
    one = {k: v[0] for k, v in qs.items()}
    limit = int(one.get("limit", "50")) + 1
    if parts.path.endswith("/stories"):
        f = StoryFilters(states=tuple(qs.get("state", ())), priorities=tuple(qs.get("priority", ())),
                         topics=tuple(qs.get("topic", ())), relevance=tuple(qs.get("relevance", ())))
        return story_query(f, datetime.now(UTC)).limit(limit)
    f2 = ArticleFilters(q=one.get("q"), topic=one.get("topic"), relevance=one.get("relevance"),
                        source_id=int(one["source_id"]) if "source_id" in one else None, language=one.get("language"),
                        published_from=_when(one["from"]) if "from" in one else None,
                        published_to=_when(one["to"]) if "to" in one else None)
    return article_query(f2, dialect, limit=limit, with_text=f2.q is not None)


def _explain(s: Session, stmt: Any, dialect: str) -> list[str]:
    if dialect == "sqlite":
        compiled = stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        return [str(r[-1]) for r in s.execute(text("EXPLAIN QUERY PLAN " + str(compiled))).all()]
    compiled = stmt.compile(s.get_bind(), compile_kwargs={"render_postcompile": True})  # a tsquery has no literal form: the driver binds the values
    rows = s.connection().exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params).all()
    return [str(r[0]) for r in rows]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--groups", default=",".join(TARGET_GROUPS))
    ap.add_argument("--explain", action="store_true")
    args = ap.parse_args(argv)
    engine = make_engine(args.url)
    dialect = engine.dialect.name
    out: dict[str, Any] = {"url": args.url, "runs": RUNS, "variants": {}}
    with Session(engine) as s:
        for group in args.groups.split(","):
            for path in GROUPS[group]:
                stmt = statement(path, dialect)
                n = len(s.execute(stmt).all())
                times = []
                for _ in range(RUNS):
                    t0 = time.perf_counter()
                    s.execute(stmt).all()
                    times.append((time.perf_counter() - t0) * 1000)
                entry: dict[str, Any] = {"rows": n, "median_ms": round(statistics.median(times), 2),
                                         "max_ms": round(max(times), 2)}
                if args.explain:
                    entry["plan"] = _explain(s, stmt, dialect)
                out["variants"][path] = entry
                s.rollback()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
