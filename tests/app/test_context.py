"""The wiring's sessions: long reads (exports, scoring) never hold the crawler's write lock."""

from __future__ import annotations

import time
from pathlib import Path

from bantin.app.context import open_app
from bantin.app.settings import Settings
from bantin.store.export import iter_articles
from bantin.store.schema import Article, Source


def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    empty = tmp_path / "no-sources.toml"
    empty.write_text("")
    return open_app(Settings(data_dir=tmp_path, sources_file=empty))


def test_an_export_in_progress_does_not_block_the_crawlers_writes_on_sqlite(tmp_path: Path) -> None:
    app = _app(tmp_path)
    with app.sessions() as s:
        src = Source(name="Báo Thử", home_url="http://news.example.test/")
        s.add(src)
        s.flush()
        s.add_all([Article(canonical_url=f"http://news.example.test/{i}.html", source_id=src.id, title=f"Tin {i}",
                           text=f"Nội dung {i}", content_hash=f"{i:064x}") for i in range(5)])
        s.commit()
    with app.read_sessions() as reader:
        rows = iter_articles(reader)
        first = next(rows)  # the export has started and its transaction is open
        t0 = time.perf_counter()
        with app.sessions() as writer:  # the crawler stores an article meanwhile
            writer.add(Article(canonical_url="http://news.example.test/new.html", source_id=src.id, title="Mới",
                               text="Tin mới", content_hash="f" * 64))
            writer.commit()
        waited = time.perf_counter() - t0
        rest = list(rows)
    assert waited < 1.0  # a write-locking reader made this wait the whole busy timeout, then fail
    assert first["title"] == "Tin 0" and [r["title"] for r in rest] == [f"Tin {i}" for i in range(1, 5)]
