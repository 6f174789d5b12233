"""Real RSS items from ../shared/data/news for the search tests: every item naming Đô Lương, the first
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
PER_PHRASE = 60
PLAIN = 150
PHRASES = ("Đô Lương", "Nghệ An", "đầu tư")


@lru_cache(maxsize=2)
def real_lines(data: Path) -> tuple[bytes, ...]:
    picked: dict[str, list[bytes]] = {p: [] for p in PHRASES}
    plain: list[bytes] = []
    with gzip.open(data / "news" / "rss_articles.jsonl.gz", "rb") as fh:
        for line in fh:
            row = json.loads(line)
            body = f"{row.get('title')} {row.get('summary')}"
            hit = next((p for p in PHRASES if p in body and len(picked[p]) < PER_PHRASE), None)
            if hit is not None:
                picked[hit].append(line)
            elif len(plain) < PLAIN:
                plain.append(line)
    return tuple(dict.fromkeys(line for lines in (*picked.values(), plain) for line in lines))


def import_lines(sessions, lines: tuple[bytes, ...]) -> ImportReport:  # type: ignore[no-untyped-def]
    rows = (parse_row(n, line, None) for n, line in enumerate(lines, 1))
    return import_rows(sessions, rows, CounterStats())
