"""What the coverage rollup's triggers cost the writers on PostgreSQL: 0008's row triggers (the database at
revision 0011) and 0012's statement-level triggers (head) side by side, with no rollup trigger at all as the
baseline (head with the rollup's triggers disabled), on fresh databases of one server, one run.

Each round writes, per variant, ``--articles`` classified articles of one Vietnamese day, outlet, topic and
language (all on one ``coverage_days`` row: the worst case) inside one transaction, as core inserts in
statements of ``INSERT_ROWS`` rows (articles, then their classifications); then in their own transactions:
one UPDATE of every classification's topic, one UPDATE of a column the rollup does not read (``title``),
and one DELETE of every article (classifications by the cascade). Then ``--single`` articles inserted one
statement each (article, then classification) in one transaction: the crawler's shape. Variants alternate
within each round; the rollup is checked against a recount after every step (a wrong count stops the run).

    nice -n 10 python bench/rollup_writes.py [--articles 20000] [--single 2000] [--rounds 2]   # prints JSON

Leaves out: concurrency (one writer), other indexes' and WAL's share on a busy server, SQLite (row triggers
in both revisions) and the rollup's read side (docs/benchmarks.md, the rollup section).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bantin.store.db import make_engine  # noqa: E402
from bantin.store.migrate import upgrade  # noqa: E402
from bantin.store.schema import Article, Classification, Source  # noqa: E402

PG_URL = os.environ.get("BANTIN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Rows per INSERT statement of the bulk load: SQLAlchemy's insertmanyvalues default page size.
INSERT_ROWS = 1000
# One Vietnamese day (10:00 there): every article on the same rollup row.
PUBLISHED = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
VARIANTS = {"row_triggers_0011": "0011_audit_action_index", "statement_triggers_0012": "head",
            "no_rollup_triggers": "head"}
RECOUNT = ("SELECT (SELECT coalesce(sum(n), 0) FROM coverage_days), (SELECT count(*) FROM articles "
           "WHERE published_at IS NOT NULL)")


@contextmanager
def database(revision: str, *, triggers: bool) -> Iterator[Engine]:
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"bantin_bench_rollup_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(engine, revision)
        if not triggers:  # USER: the rollup's (the only ones on these tables), not the foreign keys'
            with engine.begin() as c:
                c.execute(text("ALTER TABLE articles DISABLE TRIGGER USER"))
                c.execute(text("ALTER TABLE classifications DISABLE TRIGGER USER"))
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _articles(first: int, count: int, source_id: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(first, first + count):
        url = f"https://bulk.example.test/tin-{i}.html"
        rows.append({"id": i, "canonical_url": url, "source_id": source_id, "title": f"Tin {i}", "text": "Nội dung",
                     "published_at": PUBLISHED, "language": "vi", "fetched_at": PUBLISHED,
                     "content_hash": hashlib.sha256(url.encode()).hexdigest()})
    return rows


def _classifications(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"article_id": r["id"], "topics": "{}", "top_topic": "tourism", "relevance": "primary",
             "relevance_score": 1.0, "province": "Nghệ An", "places": "[]", "language": "vi",
             "classified_at": PUBLISHED} for r in rows]


def _timed(engine: Engine, write: Callable[[Connection], None], *, rollup: bool) -> float:
    """Seconds for ``write`` in one transaction (commit included); then the rollup against a recount."""
    t0 = time.perf_counter()
    with engine.begin() as c:
        write(c)
    seconds = time.perf_counter() - t0
    if rollup:
        with engine.connect() as c:
            counted, articles = c.execute(text(RECOUNT)).one()
        if counted != articles:
            raise SystemExit(f"the rollup counts {counted} articles, the table holds {articles}")
    return round(seconds, 3)


def run_variant(revision: str, *, triggers: bool, articles: int, single: int) -> dict[str, float]:
    with database(revision, triggers=triggers) as engine:
        with engine.begin() as c:
            source_id = c.execute(insert(Source).values(name="Báo Nghệ An", country="VN", language="vi")
                                  .returning(Source.id)).scalar_one()
        rows = _articles(1, articles, source_id)

        def bulk(c: Connection) -> None:
            # with RETURNING, SQLAlchemy's executemany sends INSERT_ROWS rows a statement (insertmanyvalues);
            # without, psycopg sends one statement a row
            for table, values in ((Article.__table__, rows), (Classification.__table__, _classifications(rows))):
                c.execute(table.insert().returning(*table.primary_key.columns)
                          .execution_options(insertmanyvalues_page_size=INSERT_ROWS), values)

        def one_by_one(c: Connection) -> None:
            for row in _articles(articles + 1, single, source_id):
                c.execute(insert(Article), [row])
                c.execute(insert(Classification), _classifications([row]))

        out = {"insert_bulk_one_transaction_s": _timed(engine, bulk, rollup=triggers),
               "update_topic_one_statement_s": _timed(engine, lambda c: c.execute(
                   text("UPDATE classifications SET top_topic = 'disaster'")), rollup=triggers),
               "update_title_one_statement_s": _timed(engine, lambda c: c.execute(
                   text("UPDATE articles SET title = title || '.'")), rollup=triggers),
               "delete_all_one_statement_s": _timed(engine, lambda c: c.execute(text("DELETE FROM articles")),
                                                    rollup=triggers),
               "insert_one_by_one_one_transaction_s": _timed(engine, one_by_one, rollup=triggers)}
        t0 = time.perf_counter()  # the crawler's shape: one article (and its classification) a transaction
        for row in _articles(articles + single + 1, single, source_id):
            with engine.begin() as c:
                c.execute(insert(Article), [row])
                c.execute(insert(Classification), _classifications([row]))
        out["insert_one_per_transaction_s"] = round(time.perf_counter() - t0, 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20000, help="articles of one key in one transaction")
    ap.add_argument("--single", type=int, default=2000, help="articles inserted one statement each")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    results: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    load = [os.getloadavg()[0]]
    for r in range(args.rounds):
        order = list(VARIANTS) if r % 2 == 0 else list(reversed(VARIANTS))
        for variant in order:
            results[variant].append(run_variant(VARIANTS[variant], triggers=variant != "no_rollup_triggers",
                                                articles=args.articles, single=args.single))
            load.append(os.getloadavg()[0])
    best = {v: {k: min(run[k] for run in runs) for k in runs[0]} for v, runs in results.items()}
    before, after = best["row_triggers_0011"], best["statement_triggers_0012"]
    print(json.dumps({"articles": args.articles, "single": args.single, "rounds": args.rounds,
                      "insert_rows_per_statement": INSERT_ROWS, "load_1min": load, "runs": results, "best": best,
                      "row_over_statement": {k: round(before[k] / after[k], 2) if after[k] else None for k in before}},
                     indent=1))


if __name__ == "__main__":
    main()
