"""A benchmark database of N articles, built fast: K imported and classified for real, the rest replicated in SQL.

What goes through the production path (subprocesses running bantin itself, against the target database):

1. ``bantin db upgrade`` on a new database (SQLite file removed first; PostgreSQL database dropped and created);
2. the first K rows of ``bench/build_archive.py`` (real ../shared items, syndicated copies) written to a
   JSONL.gz and stored by ``bantin articles import --no-classify`` (dedup, near-duplicate bands, clusters,
   sources, article_urls, the search index: ``ingest.store.ingest``) -- its rate is reported (rows/s wall
   and CPU of the child process);
3. ``bantin.app.crawl.classify_new``: the shipped classifier (topics, province relevance) and, in the same
   transactions, ``queue.admission.admit`` (stories for the clusters the queue admits).

What is bulk (``INSERT ... SELECT`` inside the database, one statement per table per round, no Python per
row), R = ceil(N/K) - 1 rounds, round r offsetting every id by r * OFFSET:

- ``clusters``: every real cluster copied (new id, origin shifted with it, same size);
- ``articles``: every real article copied with a new id, ``canonical_url || '-c<r>'``, a content hash whose
  last 6 hex digits are the round, the same text/title/summary/source/language/minhash, its copy's cluster;
  ``published_at`` shifted by a pseudo-random whole number of days per (cluster, round),
  wrapped into the archive's two years, so copies of one story keep their delays (``fetched_at`` stays the
  import's time, as for an archive import);
- ``article_urls`` (varied the same way), ``classifications`` (copied with their article), ``article_search``
  (the same folded document: on SQLite the FTS5 triggers index it, on PostgreSQL it is the tsvector copied);
- ``stories`` of the replicated admitted clusters, with a mix of states, priorities, owners (five bench
  reviewer accounts) and due dates that a working office would have (STATE_MIX, PRIORITY_MIX); the K real
  stories stay as ``admit()`` made them (``new``); history rows (``story_events``) are not replicated.

``coverage_days`` (the reports' rollup) is not copied: its triggers count every copied article and
classification as they are inserted (on PostgreSQL they are ``ENABLE ALWAYS``: they fire under the replica role).

Not replicated: ``article_bands`` (64 near-duplicate LSH rows per article, read only by ingest's duplicate
lookup, which the benchmark does not exercise), story history and notes. The last round copies only as
many articles as N needs (its clusters are those of the copied articles). ANALYZE at the end.

    python bench/build_db.py --url sqlite:////tmp/bantin-bench1m.db --articles 1000000 --real 10000
    python bench/build_db.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bantin_bench1m --articles 1000000
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_archive  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The real set: big enough that term frequencies, clusters and relevance shares are those of the archive,
# small enough that the real import (~50 articles/s on the shared machine) takes minutes, not hours.
DEFAULT_REAL = 10_000
# Round r adds r * OFFSET to every id: above any id of the real set (checked), so ids never collide
# (100 rounds reach 10^8: within SQLite's and PostgreSQL's bigint ids).
OFFSET = 1_000_000
# Story states of a working queue (percent): most stories are new or closed, a few in hand.
STATE_MIX = (("new", 40), ("triaged", 15), ("assigned", 10), ("responding", 5), ("responded", 10), ("dismissed", 20))
PRIORITY_MIX = (("low", 15), ("normal", 60), ("high", 20), ("urgent", 5))
# Officers owning assigned/responding/responded stories (token-only reviewer accounts).
OFFICERS = 5
# The archive's span (build_archive): dates are shifted within it.
SPAN_DAYS = build_archive.SPAN_DAYS
END_UTC = build_archive.END.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _bantin(args: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """Run ``python -m bantin ARGS``; (stdout, wall s, CPU s of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bantin", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"bantin {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc.stdout, wall, cpu


def _classify_script() -> str:
    return ("import json; from bantin.app.context import open_app; from bantin.app.crawl import classify_new; "
            "print(json.dumps({'classified': classify_new(open_app())}))")


def fresh_database(url: str) -> None:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{u.database}{suffix}").unlink(missing_ok=True)
        return
    admin = _engine(u.set(database="postgres").render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()


def write_archive(path: Path, n_rows: int) -> int:
    items = build_archive.load_items(build_archive.SHARED_NEWS)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for row in build_archive.rows(items, n_rows, build_archive.SEED):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return n_rows


def _mix(expr: str, mix: tuple[tuple[str, int], ...]) -> str:
    """CASE over ``expr`` (0-99) picking from ``mix`` by cumulative percent."""
    parts, upto = [], 0
    for value, pct in mix:
        upto += pct
        parts.append(f"WHEN {expr} < {upto} THEN '{value}'")
    return "CASE " + " ".join(parts) + f" ELSE '{mix[-1][0]}' END"


class Dialect:
    """The few SQL expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.pg = name == "postgresql"

    def shifted(self, col: str, days: str) -> str:
        """``col`` moved by ``days`` whole days, wrapped back into the archive's span."""
        if self.pg:
            days = f"(({days})::int)"
            return (f"({col} + make_interval(days => CASE WHEN {col} + make_interval(days => {days}) "
                    f">= TIMESTAMPTZ '{END_UTC}+00' THEN {days} - {SPAN_DAYS} ELSE {days} END))")
        d = f"(CASE WHEN datetime({col}, '+' || {days} || ' days') >= '{END_UTC}' THEN {days} - {SPAN_DAYS} ELSE {days} END)"
        return f"(strftime('%Y-%m-%d %H:%M:%S', {col}, printf('%+d days', {d})) || substr({col}, 20))"

    def hash_for(self, col: str, r: str) -> str:
        if self.pg:
            return f"(left({col}, 58) || lpad(({r})::text, 6, '0'))"
        return f"(substr({col}, 1, 58) || printf('%06d', {r}))"

    def plus_hours(self, col: str, hours: str) -> str:
        if self.pg:
            return f"({col} + make_interval(hours => ({hours})::int))"
        return f"(strftime('%Y-%m-%d %H:%M:%S', {col}, '+' || ({hours}) || ' hours') || substr({col}, 20))"


def _engine(url: str) -> Any:
    u = make_url(url)
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    return create_engine(u)  # no bantin pragmas: foreign keys stay off for the bulk copy (SQLite's default)


def replicate(url: str, n_articles: int) -> dict[str, Any]:
    eng = _engine(url)
    d = Dialect(eng.dialect.name)
    t0 = time.perf_counter()
    with eng.begin() as c:
        if d.pg:
            c.execute(text("SET session_replication_role = replica"))  # no FK triggers during the bulk copy
        # a re-run (--skip-real) starts again from the real set
        for table, col in (("stories", "id"), ("article_search", "article_id"), ("classifications", "article_id"),
                           ("article_urls", "article_id"), ("articles", "id"), ("clusters", "id")):
            c.execute(text(f"DELETE FROM {table} WHERE {col} >= :o"), {"o": OFFSET})
        base_n = c.execute(text("SELECT count(*) FROM articles")).scalar_one()
        max_id = max(c.execute(text("SELECT max(id) FROM articles")).scalar_one(),
                     c.execute(text("SELECT coalesce(max(id), 0) FROM clusters")).scalar_one(),
                     c.execute(text("SELECT coalesce(max(id), 0) FROM stories")).scalar_one())
        if max_id >= OFFSET:
            raise SystemExit(f"the real set's ids reach {max_id}: more than OFFSET ({OFFSET}) allows")
        offset = OFFSET
        have = set(c.execute(text("SELECT name FROM users")).scalars())
        for name in (f"bench-officer-{i}" for i in range(1, OFFICERS + 1)):
            if name not in have:
                c.execute(text("INSERT INTO users (name, display_name, role, disabled, created_at) VALUES "
                               "(:n, :d, 'reviewer', :f, CURRENT_TIMESTAMP)"), {"n": name, "d": name, "f": False})
        officer_ids = [r[0] for r in c.execute(text("SELECT id FROM users WHERE name LIKE 'bench-officer-%' ORDER BY id"))]
    rounds = math.ceil(n_articles / base_n) - 1
    per_round: list[float] = []
    for r in range(1, rounds + 1):
        tr = time.perf_counter()
        remaining = n_articles - base_n * r
        with eng.begin() as c:
            if d.pg:
                c.execute(text("SET session_replication_role = replica"))
            cutoff = max_id
            if remaining < base_n:
                cutoff = c.execute(text("SELECT id FROM articles WHERE id <= :m ORDER BY id LIMIT 1 OFFSET :k"),
                                   {"m": max_id, "k": remaining - 1}).scalar_one()
            _round(c, d, r, r * offset, cutoff, officer_ids)
        per_round.append(time.perf_counter() - tr)
        if r % 10 == 0 or r == rounds:
            print(json.dumps({"round": r, "of": rounds, "seconds": round(sum(per_round), 1)}), file=sys.stderr, flush=True)
    t_copy = time.perf_counter() - t0
    with eng.connect() as c:
        if d.pg:
            for table in ("articles", "clusters", "stories", "article_urls", "users"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            c.commit()
    ta = time.perf_counter()
    with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))
    t_analyze = time.perf_counter() - ta
    with eng.connect() as c:
        counts = {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("articles", "clusters", "classifications", "article_search", "stories")}
        counts["stories_by_state"] = dict(c.execute(text("SELECT state, count(*) FROM stories GROUP BY state")).all())
    eng.dispose()
    return {"real_articles": base_n, "rounds": rounds, "offset": offset, "copy_seconds": round(t_copy, 1),
            "analyze_seconds": round(t_analyze, 1), "counts": counts}


def _round(c: Any, d: Dialect, r: int, o: int, cutoff: int, officers: list[int]) -> None:
    p = {"o": o, "r": r, "cut": cutoff}
    lim = o // r  # ids of the real set are below this
    days = f"((coalesce(cluster_id, id) * 7919 + {r} * 104729) % {SPAN_DAYS})"
    c.execute(text(
        "INSERT INTO clusters (id, origin_article_id, size, created_at, updated_at) "
        f"SELECT id + :o, origin_article_id + :o, size, created_at, updated_at FROM clusters WHERE id < {lim} "
        "AND id IN (SELECT cluster_id FROM articles WHERE id <= :cut)"), p)
    c.execute(text(
        "INSERT INTO articles (id, canonical_url, source_id, title, text, summary, published_at, language, "
        "content_hash, minhash, credit, cluster_id, fetched_at) "
        f"SELECT id + :o, canonical_url || '-c{r}', source_id, title, text, summary, "
        f"{d.shifted('published_at', days)}, language, {d.hash_for('content_hash', ':r')}, minhash, credit, "
        "cluster_id + :o, fetched_at FROM articles WHERE id <= :cut ORDER BY id"), p)
    c.execute(text(
        f"INSERT INTO article_urls (url, article_id) SELECT url || '-c{r}', article_id + :o FROM article_urls "
        "WHERE article_id <= :cut ORDER BY article_id"), p)
    c.execute(text(
        "INSERT INTO classifications (article_id, model_version_id, topics, top_topic, relevance, relevance_score, "
        "province, places, language, classified_at) SELECT article_id + :o, model_version_id, topics, top_topic, "
        "relevance, relevance_score, province, places, language, classified_at FROM classifications "
        "WHERE article_id <= :cut ORDER BY article_id"), p)
    c.execute(text("INSERT INTO article_search (article_id, doc) SELECT article_id + :o, doc FROM article_search "
                   "WHERE article_id <= :cut ORDER BY article_id"), p)
    h = f"((id * 31 + {r} * 17) % 100)"
    hp = f"((id * 53 + {r} * 7) % 100)"
    state = _mix(h, STATE_MIX)
    owned = f"{h} >= 55 AND {h} < 80"  # assigned, responding, responded
    owner = "CASE " + " ".join(f"WHEN (id + {r}) % {len(officers)} = {i} THEN {oid}"
                               for i, oid in enumerate(officers)) + " END"
    s_days = f"((cluster_id * 7919 + {r} * 104729) % {SPAN_DAYS})"
    first = d.shifted("first_published_at", s_days)
    created = d.plus_hours(first, "1")  # admitted about an hour after the first copy appeared
    c.execute(text(
        "INSERT INTO stories (id, cluster_id, origin_article_id, title, state, priority, owner_id, due_at, "
        "dismissed_reason, relevance, topic, topics, copies, outlets, languages, foreign_outlets, first_published_at, "
        "latest_published_at, entered_by, created_at, updated_at, version) "
        f"SELECT id + :o, cluster_id + :o, origin_article_id + :o, title, {state}, {_mix(hp, PRIORITY_MIX)}, "
        f"CASE WHEN {owned} THEN {owner} END, CASE WHEN due_at IS NOT NULL THEN {d.plus_hours(created, '25')} END, "
        f"CASE WHEN {h} >= 80 THEN 'không liên quan (not relevant) [bench]' END, relevance, topic, topics, copies, "
        f"outlets, languages, foreign_outlets, {first}, {d.shifted('latest_published_at', s_days)}, entered_by, "
        f"{created}, {d.plus_hours(created, f'1 + {h} % 48')}, CASE WHEN {h} < 40 THEN 1 ELSE 3 END "
        f"FROM stories WHERE id < {lim} AND cluster_id IN (SELECT cluster_id FROM articles WHERE id <= :cut) "
        "ORDER BY id"), p)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="sqlite:////tmp/x.db or postgresql+psycopg://.../bantin_bench1m")
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--real", type=int, default=DEFAULT_REAL, help="rows through the real import path")
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench1m-data")
    ap.add_argument("--skip-import", action="store_true", help="the database holds the imported rows: classify, replicate")
    ap.add_argument("--skip-real", action="store_true", help="the database already holds the real set: replicate only")
    args = ap.parse_args(argv)
    if not build_archive.SHARED_NEWS.is_file():
        print(f"needs the real items in {build_archive.SHARED_NEWS} (../shared beside the project)", file=sys.stderr)
        return 2
    args.data_dir.mkdir(parents=True, exist_ok=True)
    sources = args.data_dir / "sources.yaml"
    sources.write_text("")
    env = {**os.environ, "BANTIN_DATABASE_URL": args.url, "BANTIN_DATA_DIR": str(args.data_dir),
           "BANTIN_SOURCES_FILE": str(sources), "PYTHONPATH": str(ROOT)}
    report: dict[str, Any] = {"url": args.url, "articles": args.articles, "real": args.real}
    t0 = time.perf_counter()
    if not args.skip_real and not args.skip_import:
        fresh_database(args.url)
        _bantin(["db", "upgrade"], env)
        archive = args.data_dir / f"real-{args.real}.jsonl.gz"
        write_archive(archive, args.real)
        out, wall, cpu = _bantin(["articles", "import", "--input", str(archive), "--no-classify", "--json",
                                  "--no-progress"], env)
        imported = json.loads(out[out.index("{"):])
        report["import"] = {"new": imported.get("new"), "duplicates": imported.get("duplicates"),
                            "refused": imported.get("refused"), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                            "rows_per_s_wall": round(args.real / wall, 1), "rows_per_s_cpu": round(args.real / cpu, 1)}
        print(json.dumps({"import": report["import"]}), file=sys.stderr, flush=True)
    if not args.skip_real:
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run([sys.executable, "-c", _classify_script()], env=env, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(f"classify failed: {proc.stderr.strip()[-2000:]}")
        report["classify"] = {**json.loads(proc.stdout.strip().splitlines()[-1]),
                              "wall_s": round(time.perf_counter() - t, 1),
                              "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1)}
        print(json.dumps({"classify": report["classify"]}), file=sys.stderr, flush=True)
    report["replicate"] = replicate(args.url, args.articles)
    report["total_seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(report, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
