"""Full-text search on real RSS items (../shared/data/news), on SQLite (FTS5) and PostgreSQL (tsvector):
with and without diacritics alike, đ and d alike; phrases, OR, exclusions; the index follows retention."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bantin.search.listing import ArticleFilters, article_query
from bantin.search.tokens import tokens
from bantin.store.db import make_engine, session_factory
from bantin.store.migrate import upgrade
from bantin.store.schema import Article
from tests.dbfixtures import make_db_url
from tests.search.realnews import import_lines, real_lines


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           shared_data: Path) -> Iterator[tuple[Engine, dict[int, str]]]:
    """A database with the real items imported; article id → its title and summary as stored."""
    urls = make_db_url(request.param, tmp_path_factory.mktemp("search"))
    engine = make_engine(next(urls))
    upgrade(engine)
    report = import_lines(session_factory(engine), real_lines(shared_data))
    assert report.new > 250 and not report.refused
    with session_factory(engine)() as s:
        texts = {r.id: f"{r.title} {r.summary} {r.text}" for r in s.execute(
            select(Article.id, Article.title, Article.summary, Article.text))}
    yield engine, texts
    engine.dispose()
    for _ in urls:  # drops the PostgreSQL database
        pass


def search(engine: Engine, q: str, **filters: Any) -> set[int]:
    with session_factory(engine)() as s:
        stmt = article_query(ArticleFilters(q=q, **filters), engine.dialect.name)
        return {r.id for r in s.execute(stmt)}


def containing(texts: dict[int, str], written: str) -> set[int]:
    return {aid for aid, t in texts.items() if written.lower() in t.lower()}


def phrase(texts: dict[int, str], words: str) -> set[int]:
    """Articles whose folded tokens contain ``words`` adjacent, in order (the reference for phrases)."""
    want = f" {words} "
    return {aid for aid, t in texts.items() if want in " " + " ".join(tokens(t)) + " "}


@pytest.mark.parametrize(("plain", "written"), [("nghe an", "Nghệ An"), ("do luong", "Đô Lương"),
                                                ("dau tu", "đầu tư")])
def test_words_without_diacritics_find_the_items_written_with_them(corpus, plain: str, written: str) -> None:  # type: ignore[no-untyped-def]
    engine, texts = corpus
    expected = containing(texts, written)
    assert expected  # the real items have them
    found = search(engine, plain)
    assert expected <= found
    assert search(engine, written) == found == search(engine, written.upper())
    assert search(engine, f'"{plain}"') == search(engine, f'"{written}"') == phrase(texts, plain) >= expected


def test_d_and_d_bar_are_one_letter(corpus) -> None:  # type: ignore[no-untyped-def]
    engine, texts = corpus
    assert search(engine, "Đô Lương") == search(engine, "do luong") == search(engine, "dô luong")
    assert containing(texts, "Đô Lương") <= search(engine, '"đo lương"')


def test_or_is_the_union_and_exclusion_the_difference(corpus) -> None:  # type: ignore[no-untyped-def]
    engine, _ = corpus
    nghe_an, dau_tu = search(engine, '"nghe an"'), search(engine, '"dau tu"')
    assert search(engine, '"nghe an" OR "dau tu"') == nghe_an | dau_tu
    land = search(engine, "đất")  # "Lô đất đấu giá ở Nghệ An ..."
    assert search(engine, '"nghe an" -dat') == search(engine, '"nghe an" NOT đất') == nghe_an - land
    assert nghe_an & land and nghe_an - land  # the test means something on this corpus
    everything = search(engine, "")
    assert search(engine, '-"dau tu"') == everything - dau_tu


@pytest.mark.parametrize("q", ['"', "OR", "AND OR NOT", "- * |", "\"'", "()", "💥"])
def test_queries_without_words_find_nothing(corpus, q: str) -> None:  # type: ignore[no-untyped-def]
    engine, _ = corpus
    assert search(engine, q) == set()


def test_results_come_newest_first_and_combine_with_filters(corpus) -> None:  # type: ignore[no-untyped-def]
    engine, _ = corpus
    with session_factory(engine)() as s:
        ids = [r.id for r in s.execute(article_query(ArticleFilters(q="nghe an"), engine.dialect.name, limit=5))]
        assert ids == sorted(ids, reverse=True) and len(ids) == 5
        after = [r.id for r in s.execute(article_query(ArticleFilters(q="nghe an"), engine.dialect.name,
                                                       before_id=ids[-1], limit=3))]
        assert after and max(after) < ids[-1]
        one = s.get(Article, ids[0])
        assert one is not None
    assert search(engine, "nghe an", source_id=one.source_id) <= search(engine, "nghe an")
    assert ids[0] in search(engine, "nghe an", source_id=one.source_id, language=one.language)
    assert search(engine, "nghe an", language="xx") == set()


@pytest.mark.parametrize("filters", [
    {"q": "nghe an"}, {"q": '"dau tu"'}, {"q": "-nghe"}, {}, {"dated": True}, {"q": "nghe an", "dated": True}])
def test_pages_chosen_by_id_first_walk_the_same_rows_as_the_whole_listing(corpus, filters: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    filters = dict(filters)
    PAGE = 3  # noqa: N806 - small, so that every case spans pages
    """A page picks its ids in a subquery and then reads their rows (docs/benchmarks.md, 1,000,000
    articles): page after page, with the columns of the rows, it is the whole listing (an export) cut up."""
    engine, _ = corpus
    dialect = engine.dialect.name
    with session_factory(engine)() as s:
        if filters.pop("dated", False):  # the middle half of the corpus's publication times
            times = sorted(t for t in s.scalars(select(Article.published_at)) if t is not None)
            filters = {**filters, "published_from": times[len(times) // 4], "published_to": times[3 * len(times) // 4]}
        whole = [tuple(r) for r in s.execute(article_query(ArticleFilters(**filters), dialect, with_text=True))]
        pages: list[tuple[Any, ...]] = []
        before = None
        while True:
            rows = [tuple(r) for r in s.execute(article_query(ArticleFilters(**filters), dialect, before_id=before,
                                                              limit=PAGE, with_text=True))]
            pages.extend(rows)
            if len(rows) < PAGE:
                break
            before = rows[-1][0]
    assert len(whole) > PAGE  # more than one page: the cursor is exercised
    assert pages == whole


def test_retention_takes_the_index_rows_with_the_articles(db_url: str, shared_data: Path) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from bantin.app.settings import Settings
    from bantin.store.prune import RetentionPolicy, prune
    from bantin.store.searchindex import ArticleSearch
    from bantin.store.types import utcnow

    engine = make_engine(db_url)
    upgrade(engine)
    lines = [line for line in real_lines(shared_data) if "Đô Lương".encode() in line or b"Ngh\xe1\xbb\x87 An" in line]
    import_lines(session_factory(engine), tuple(lines[:10]))
    assert search(engine, "do luong")
    with session_factory(engine)() as s:
        s.execute(update(Article).values(fetched_at=utcnow() - timedelta(days=400)))
        s.commit()
    prune(engine, RetentionPolicy.from_settings(Settings(retention_days=30)))
    assert search(engine, "do luong") == search(engine, "nghe an") == set()
    with session_factory(engine)() as s:
        assert s.scalars(select(ArticleSearch.article_id)).all() == []
    engine.dispose()


def test_upgrade_to_0007_indexes_the_articles_already_stored(db_url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(db_url)
    upgrade(engine, "0006")
    with engine.begin() as c:
        for i, (title, body) in enumerate([("Lũ ở Đô Lương", "Nước dâng cao tại xã Đô Lương, Nghệ An."),
                                           ("Bóng đá", "Đội tuyển thắng trên sân Mỹ Đình.")]):
            c.execute(text("INSERT INTO articles (id, canonical_url, title, text, content_hash, fetched_at) "
                           "VALUES (:id, :u, :title, :t, :h, :f)"),
                      {"id": i + 1, "u": f"http://x.test/{i}", "title": title, "t": body, "h": f"{i:064d}",
                       "f": "2026-11-30 00:00:00"})
    upgrade(engine)
    assert search(engine, "do luong") == {1}
    assert search(engine, '"my dinh" OR lu') == {1, 2}
    assert search(engine, 'my dinh OR lu') == {2}  # my AND (dinh OR lu)
    engine.dispose()
