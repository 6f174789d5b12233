"""``bantin demo`` on real items from ../shared (SQLite and PostgreSQL): afterwards the review queue has the
province's stories and the search finds "Nghệ An" items; a database that already has articles is refused in
one line unless --force; a missing data file is one line with exit code 2; both phases are audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from bantin.app.settings import get_settings
from bantin.cli.demo import demo_cmd, pick_lines
from bantin.queue.listing import StoryFilters, story_query
from bantin.search.listing import ArticleFilters, article_query
from bantin.store.db import make_engine, session_factory
from bantin.store.schema import Article, AuditEvent
from bantin.store.types import utcnow

cli = typer.Typer()
cli.command("demo")(demo_cmd)
cli.command("noop")(lambda: None)  # two commands: typer keeps "demo" as a subcommand
# Small enough for a test on both databases (the default 3,000 is timed in docs/web.md).
ARTICLES = 120


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    empty = tmp_path / "no-sources.toml"
    empty.write_text("")
    for k, v in {"BANTIN_DATABASE_URL": db_url, "BANTIN_DATA_DIR": str(tmp_path / "data"),
                 "BANTIN_SOURCES_FILE": str(empty)}.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def demo(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["demo", "--no-progress", *args])
    return r.exit_code, r.output


def test_demo_fills_the_queue_and_the_search_with_real_items(env: str, shared_data: Path) -> None:
    data = shared_data / "news" / "rss_articles.jsonl.gz"
    code, output = demo("--input", str(data), "--articles", str(ARTICLES))
    assert code == 0, output
    assert "bantin users create NAME --role admin --password-stdin" in output and "bantin serve" in output
    engine = make_engine(env)
    try:
        with session_factory(engine)() as s:
            stored = s.scalar(select(func.count()).select_from(Article)) or 0
            stories = list(s.scalars(story_query(StoryFilters(), utcnow()).limit(50)))
            found = s.execute(article_query(ArticleFilters(q="Nghệ An"), engine.dialect.name)).all()
            phases = [json.loads(d or "{}") for d in
                      s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "articles.import"))]
        assert ARTICLES * 0.9 <= stored <= ARTICLES  # a few of the file's items are copies of others
        assert len(stories) >= 10  # the province's items became stories in the queue
        assert len(found) >= 10 and all("Nghệ An" in f"{r.title} {r.summary}" for r in found[:10])
        assert [p["phase"] for p in phases] == ["start", "done"] and phases[1]["new"] == stored
    finally:
        engine.dispose()
    code, output = demo("--input", str(data), "--articles", "5")
    assert code == 1 and f"đã có {stored} bài" in output and "--force" in output and len(output.splitlines()) == 1


def test_demo_without_the_data_says_so_in_one_line(env: str, tmp_path: Path) -> None:
    code, output = demo("--input", str(tmp_path / "missing.jsonl.gz"))
    assert code == 2 and "missing.jsonl.gz" in output and len(output.splitlines()) == 1


def test_half_of_the_picked_rows_name_the_province(tmp_path: Path) -> None:
    rows = [f'{{"url": "https://x.test/{i}", "title": "{"Nghệ An" if i % 10 == 0 else "Hà Nội"} {i}"}}\n'
            for i in range(100)]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(rows), encoding="utf-8")
    picked = pick_lines(path, 8, "Nghệ An")
    assert [n for n, _line in picked] == [1, 11, 21, 31, 2, 3, 4, 5]
