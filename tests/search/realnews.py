"""Real RSS items from ../shared/data/news for the search tests: the one item naming Đô Lương, the first
ones naming Nghệ An and "đầu tư", and the file's first items (read once per test session)."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from bantin.app.stats import CounterStats
from bantin.ingest.importer import ImportReport, import_rows
from bantin.ingest.rows import parse_row

# Items per phrase and plain items: enough for many results on both databases, ~300 rows in a few seconds.
PLAIN = 150
QUOTAS = {"Đô Lương": 1, "Nghệ An": 60, "đầu tư": 60}  # the file has one Đô Lương item (line 49,215)


@lru_cache(maxsize=2)
def real_lines(data: Path) -> tuple[bytes, ...]:
    picked: dict[str, list[bytes]] = {p: [] for p in QUOTAS}
    plain: list[bytes] = []
    with gzip.open(data / "news" / "rss_articles.jsonl.gz", "rb") as fh:
        for line in fh:
            row = json.loads(line)
            body = f"{row.get('title')} {row.get('summary')}"
            hit = next((p for p in QUOTAS if p in body and len(picked[p]) < QUOTAS[p]), None)
            if hit is not None:
                picked[hit].append(line)
            elif len(plain) < PLAIN:
                plain.append(line)
            if len(plain) == PLAIN and all(len(picked[p]) == n for p, n in QUOTAS.items()):
                break
    return tuple(dict.fromkeys(line for lines in (*picked.values(), plain) for line in lines))


def import_lines(sessions, lines: tuple[bytes, ...]) -> ImportReport:  # type: ignore[no-untyped-def]
    rows = (parse_row(n, line, None) for n, line in enumerate(lines, 1))
    return import_rows(sessions, rows, CounterStats())
