"""`bantin articles import` rate on an empty database and on a large one, in one run, as JSON.

    python bench/import_rate.py --rows FILE.jsonl.gz --large-url sqlite:////tmp/bantin-bench1m.db

The same rows (e.g. 10,000 rows of bench/build_archive.py's archive that the large database does not hold)
are imported by the real command (subprocesses: dedup, near-duplicate bands, clusters, the search index,
classification and queue admission) first into a new empty SQLite database, then into the large one; the
figures are rows/s of wall time and of the child's CPU time, and the ratio large/empty (the machine is shared:
the ratio is the figure that holds). The large database keeps the imported rows (re-running the benchmark
with the same file finds them all duplicates: use other rows).

Left out: a bench/build_db.py database replicates articles in SQL without their near-duplicate bands, so its
band index is that of its real rows only (~10,000 articles): the large figure under-states the cost of the
near-duplicate lookup in a database of a million crawled articles (bench/neardup.py measures that lookup).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _import(url: str, rows: Path, data_dir: Path) -> dict[str, Any]:
    data_dir.mkdir(parents=True, exist_ok=True)
    sources = data_dir / "none.toml"
    sources.write_text("")
    env = {**os.environ, "BANTIN_DATABASE_URL": url, "BANTIN_DATA_DIR": str(data_dir),
           "BANTIN_SOURCES_FILE": str(sources), "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bantin", "articles", "import", "--input", str(rows), "--json",
                           "--no-progress"], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"import failed: {proc.stderr.strip()[-1500:]}")
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows_read = int(report.get("read") or 0)
    return {"read": rows_read, "new": report.get("new"), "duplicates": report.get("duplicates"),
            "classified": report.get("classified"), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "rows_per_s_wall": round(rows_read / wall, 1), "rows_per_s_cpu": round(rows_read / cpu, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=Path, required=True)
    ap.add_argument("--large-url", required=True)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bantin-import-rate-") as tmp:
        empty = _import(f"sqlite:///{Path(tmp) / 'empty.db'}", args.rows, Path(tmp) / "empty-data")
        print(json.dumps({"empty": empty}), file=sys.stderr, flush=True)
        large = _import(args.large_url, args.rows, Path(tmp) / "large-data")
    print(json.dumps({"rows_file": str(args.rows), "large_url": args.large_url, "load_avg": os.getloadavg()[0],
                      "empty": empty, "large": large,
                      "ratio_large_to_empty_cpu": round(large["rows_per_s_cpu"] / empty["rows_per_s_cpu"], 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
