"""Exports stream in bounded memory: 50k rows from the database through CSV, and XLSX in constant memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bantin.api.export_queries import ARTICLE_COLUMNS, EXPORT_BATCH, ArticleFilters, article_rows
from bantin.api.tabular import csv_chunks, xlsx_chunks
from tests.reports.seed import many_articles, source

T = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
# One keyset batch (1,000 rows) plus one 64 KiB chunk is well under 8 MB; holding 50k rows (or the ~12 MB of
# CSV they make) is not.
MEMORY_BUDGET_BYTES = 8 * 1024 * 1024
BULK_ROWS = 50_000
# xlsxwriter under tracemalloc writes ~5k rows/s here: 1k then 5k rows show the peak does not grow with rows
# in seconds; 50k rows would take a minute (the database side is the CSV test's).
XLSX_ROWS = 5_000

pytestmark = pytest.mark.slow


def _peak(chunks: Callable[..., Iterator[bytes]], rows: Iterable[tuple[object, ...]]) -> tuple[int, int, int]:
    tracemalloc.start()
    try:
        total = lines = 0
        for chunk in chunks(ARTICLE_COLUMNS, rows):
            total += len(chunk)
            lines += chunk.count(b"\r\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, total, lines


def test_a_50k_row_csv_export_streams_in_bounded_memory(db_url: str, tmp_path: Path) -> None:
    from bantin.app.context import open_app
    from bantin.app.settings import Settings

    (tmp_path / "none.toml").write_text("")
    ctx = open_app(Settings(database_url=db_url, data_dir=tmp_path / "data", sources_file=tmp_path / "none.toml"))
    with ctx.sessions() as s:
        many_articles(s, BULK_ROWS, T, source(s, "Báo Nghệ An", "VN", "vi"))
        s.commit()
    try:
        peak, total, lines = _peak(csv_chunks, article_rows(ctx.read_sessions, ArticleFilters()))
    finally:
        ctx.engine.dispose()
    assert lines == BULK_ROWS + 1  # every row and the header
    assert total > MEMORY_BUDGET_BYTES  # more bytes went out than the budget allows to hold
    assert peak < MEMORY_BUDGET_BYTES, f"peak {peak / 1e6:.1f} MB"
    assert BULK_ROWS > 10 * EXPORT_BATCH  # many keyset batches were read


def test_xlsx_export_memory_does_not_grow_with_rows() -> None:
    def rows(n: int) -> Iterator[tuple[object, ...]]:
        for i in range(n):
            yield (i, T, "Báo Nghệ An", "vi", "primary", "tourism", f"Lễ hội đền Cuông {i}", "Tóm tắt " * 20,
                   f"https://bulk.example.test/tin-{i}.html", i // 3)

    small, _, _ = _peak(xlsx_chunks, rows(XLSX_ROWS // 5))
    large, total, _ = _peak(xlsx_chunks, rows(XLSX_ROWS))
    assert large < MEMORY_BUDGET_BYTES, f"peak {large / 1e6:.1f} MB"
    assert large < small * 1.5 + 256 * 1024, (small, large)  # 5x the rows, about the same peak
    assert total > 100_000
