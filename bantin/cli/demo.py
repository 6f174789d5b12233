"""`bantin demo`: the offline demo's data. Fills the configured (empty) database with a bounded number of
real RSS items from ``../shared/data/news`` through the archive import's path (``ingest.importer``: dedup,
clusters, search index), classifies them and admits the province's stories to the review queue
(``app.crawl.classify_new``), so that ``bantin serve`` shows a working UI in under a minute.

The rows are every item of the file naming the province (``BANTIN_PROVINCE``), up to half the budget, and
the file's first other items for the rest: a queue with stories and a search with results. Audited like
``bantin articles import`` (docs/principles.md: the office's record says where the articles came from).
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Annotated, Any

import typer

from bantin.cli.common import ProgressOpt, err, fail, progress_bar

DEFAULT_INPUT = Path("../shared/data/news/rss_articles.jsonl.gz")
# 3,000 rows import, classify and admit in 23-30 s on SQLite (the default database) on the shared 2-core
# machine under load (docs/web.md): under the minute. PostgreSQL's import is slower there (~70-90 s).
DEFAULT_ARTICLES = 3000
# Bounds of --articles: a demo, not a bulk load (use `bantin articles import` for a whole archive).
MAX_ARTICLES = 50_000
# Share of the rows that name the province (the queue's stories); the rest are the office's other news.
PROVINCE_SHARE = 0.5
NEXT_STEPS = ("Tiếp theo (next): tạo quản trị viên đầu tiên (create the first admin):\n"
              "  bantin users create NAME --role admin --password-stdin\n"
              "rồi chạy (then run): bantin serve --no-crawl   → http://127.0.0.1:8000/")


def pick_lines(path: Path, limit: int, province: str) -> list[tuple[int, bytes]]:
    """(line number, raw line): every line naming ``province`` (up to the share), then the first others."""
    wanted = max(1, int(limit * PROVINCE_SHARE))
    needle = province.encode()
    named: list[tuple[int, bytes]] = []
    others: list[tuple[int, bytes]] = []
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            if needle in line and len(named) < wanted:
                named.append((n, line))
            elif len(others) < limit:
                others.append((n, line))
    return named + others[: limit - len(named)]


def fill(app_: Any, path: Path, limit: int, progress: bool = True) -> tuple[Any, int]:
    """Import the picked rows of ``path`` into ``app_``'s database, classify them (admitting the province's
    stories); audited before and after. The import's report and how many articles were classified."""
    from bantin.app import audit
    from bantin.app.crawl import classify_new
    from bantin.app.stats import CounterStats
    from bantin.ingest.importer import import_rows
    from bantin.ingest.rows import parse_row

    lines = pick_lines(path, limit, app_.settings.province)
    with app_.sessions() as s:
        audit.record(s, audit.cli_actor(), "articles.import", audit_target=f"import:{path.name}", phase="start",
                     input=str(path), demo=True, rows=len(lines))
        s.commit()
    stats = CounterStats()
    with progress_bar("Nhập (importing)", len(lines), progress) as update:
        rows = (parse_row(n, line, None, stats) for n, line in lines)
        report = import_rows(app_.sessions, rows, stats, on_batch=lambda r: update(r.read))
    err.print(f"Đã nhập (imported) {report.new} bài mới; đang phân loại (classifying)…", highlight=False)
    classified = classify_new(app_) if report.new else 0
    with app_.sessions() as s:
        audit.record(s, audit.cli_actor(), "articles.import", audit_target=f"import:{path.name}", phase="done",
                     input=str(path), demo=True, **report.as_dict(), classified=classified)
        s.commit()
    return report, classified


def demo_cmd(
    input_: Annotated[Path, typer.Option("--input", "-i", help="real RSS items, FILE.jsonl[.gz]")] = DEFAULT_INPUT,
    articles: Annotated[int, typer.Option("--articles", "-n", min=1, max=MAX_ARTICLES,
                                          help="how many items to import")] = DEFAULT_ARTICLES,
    force: Annotated[bool, typer.Option("--force", help="import even if the database has articles")] = False,
    progress: ProgressOpt = True,
) -> None:
    """Dữ liệu trình diễn ngoại tuyến (offline demo: real items from ../shared, classified, in the queue)."""
    from sqlalchemy import func, select

    from bantin.app.context import open_app
    from bantin.store.office import Story
    from bantin.store.schema import Article

    if not input_.is_file():
        fail(f"không có tệp dữ liệu (no such file) {input_}: cần ../shared/data/news hoặc --input FILE", 2)
    app_ = open_app(seed_sources=False)
    with app_.sessions() as s:
        stored = s.scalar(select(func.count()).select_from(Article)) or 0
    if stored and not force:
        fail(f"cơ sở dữ liệu đã có {stored} bài (the database has articles): dùng --force để nhập thêm")
    report, classified = fill(app_, input_, articles, progress)
    with app_.sessions() as s:
        stories = s.scalar(select(func.count()).select_from(Story)) or 0
    err.print(f"Xong (done): {report.new} bài, {classified} đã phân loại, {stories} tin trong hàng đợi "
              f"(stories in the queue).\n{NEXT_STEPS}", highlight=False, soft_wrap=True)
