"""``bantin articles import`` on real RSS items (SQLite and PostgreSQL): rows stored through the crawl's
path (searchable at once), refused rows counted by reason, a second import all duplicates (also from
.gz), archives of a known publisher attached to it, and both runs audited."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from bantin.app.settings import get_settings
from bantin.cli.articles import articles_app
from bantin.ingest.rows import MAX_LINE_BYTES, MAX_TEXT_CHARS
from bantin.search.listing import ArticleFilters, article_query
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.schema import Article, AuditEvent, Source
from tests.search.realnews import real_lines

cli = typer.Typer()
cli.add_typer(articles_app, name="articles")

BAD_ROWS = {
    "bad_json": "{not json",
    "not_object": "[1, 2]",
    "no_url": json.dumps({"title": "Không có địa chỉ", "summary": "Nội dung"}),
    "bad_url": json.dumps({"url": "ftp://example.test/a", "summary": "Nội dung", "source": "X"}),
    "no_text": json.dumps({"url": "https://example.test/trong", "title": "Chỉ có tiêu đề", "source": "X"}),
    "text_too_long": json.dumps({"url": "https://example.test/dai", "text": "chữ " * (MAX_TEXT_CHARS // 3),
                                 "source": "X"}),
    "bad_published": json.dumps({"url": "https://example.test/ngay", "summary": "Nội dung", "published": "hôm qua",
                                 "source": "X"}),
    "no_source": json.dumps({"url": "https://unknown.example.test/a", "summary": "Không biết nguồn nào"}),
    "line_too_long": json.dumps({"url": "https://example.test/x", "text": "x" * (MAX_LINE_BYTES + 10)}),
}


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


def run(*args: str) -> dict[str, object]:
    r = CliRunner().invoke(cli, ["articles", "import", *args, "--no-classify", "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_import_stores_searchable_articles_refuses_bad_rows_and_is_idempotent(env: str, tmp_path: Path,
                                                                             shared_data: Path) -> None:
    engine = make_engine(env)
    upgrade(engine)
    with session_factory(engine)() as s:  # a crawled publisher: its archive attaches to it
        s.add(Source(name="VnExpress", kind="feed", home_url="https://vnexpress.net/"))
        s.commit()
    real = [line.decode().rstrip("\n") for line in real_lines(shared_data)[:40]]
    assert any("Nghệ An" in line for line in real) and any("vnexpress.net" in line for line in real)
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join([*real[:20], *BAD_ROWS.values(), *real[20:], real[0]]) + "\n", encoding="utf-8")

    first = run("--input", str(path))
    assert first["read"] == len(real) + len(BAD_ROWS) + 1
    assert first["new"] + first["duplicates"] == len(real) + 1 and first["new"] >= len(real) - 2
    assert first["refused_by_reason"] == {reason: 1 for reason in BAD_ROWS}
    assert first["refused_lines"]["bad_json"] == [21]
    assert "VnExpress" not in first["sources_created"]  # type: ignore[operator]

    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == first["new"]
        vne = s.scalar(select(Source.id).where(Source.name == "VnExpress"))
        on_vne = s.scalars(select(Article.canonical_url).where(Article.source_id == vne)).all()
        assert on_vne and all("vnexpress.net" in u for u in on_vne)
        kinds = set(s.scalars(select(Source.kind).where(Source.name.in_(first["sources_created"]))))  # type: ignore[arg-type]
        assert kinds == {"import"}
        found = s.execute(article_query(ArticleFilters(q="nghe an"), engine.dialect.name)).all()
        assert found and any("Nghệ An" in (r.title or "") + (r.summary or "") for r in found)

    gz = tmp_path / "archive.jsonl.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    again = run("--input", str(gz))
    assert (again["new"], again["duplicates"], again["refused"]) == (0, first["new"] + first["duplicates"],
                                                                     len(BAD_ROWS))
    assert again["sources_created"] == []
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == first["new"]
        audit = [json.loads(d or "{}") for d in s.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "articles.import").order_by(AuditEvent.id))]
    assert [a["phase"] for a in audit] == ["start", "done", "start", "done"]
    assert audit[1]["new"] == first["new"] and audit[3]["duplicates"] == again["duplicates"]
    engine.dispose()


def test_a_missing_file_is_one_line_and_exit_2(env: str, tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["articles", "import", "--input", str(tmp_path / "none.jsonl")])
    assert r.exit_code == 2
    assert "none.jsonl" in r.output and "Traceback" not in r.output
