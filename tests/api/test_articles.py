"""``GET /api/v1/articles`` and ``/articles/{id}`` on real RSS items (SQLite and PostgreSQL): search without
diacritics, highlights on the original words, filters, the cursor, bounds, and the audit row of every read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bantin.store.schema import Article, AuditEvent, Source
from tests.api.conftest import Api, make_api
from tests.dbfixtures import make_db_url
from tests.search.realnews import import_lines, real_lines

URL = "/api/v1/articles"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def news_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            shared_data: Path) -> Iterator[Api]:
    """One API on a database with real items, shared by this module's tests (they only read)."""
    tmp = tmp_path_factory.mktemp("articles")
    urls = make_db_url(request.param, tmp)
    api = make_api(next(urls), tmp)
    lines = real_lines(shared_data)
    picked = [line for line in lines if "Nghệ An".encode() in line][:12] + list(lines[-20:])
    report = import_lines(api.ctx.sessions, tuple(picked))
    assert report.new >= 30
    yield api
    api.ctx.engine.dispose()
    for _ in urls:  # drops the PostgreSQL database
        pass


@pytest.fixture
def news(news_db: Api) -> Api:
    """The shared API, with the audit rows of earlier tests out of sight (``audits`` sees only new ones)."""
    with news_db.ctx.sessions() as s:
        news_db.audit_from = s.scalar(select(func.max(AuditEvent.id))) or 0  # type: ignore[attr-defined]
    return news_db


def audits(api: Api, action: str) -> list[tuple[str, dict[str, object]]]:
    with api.ctx.sessions() as s:
        rows = s.execute(select(AuditEvent.actor, AuditEvent.detail)
                         .where(AuditEvent.action == action, AuditEvent.id > api.audit_from)  # type: ignore[attr-defined]
                         .order_by(AuditEvent.id)).all()
    return [(a, json.loads(d or "{}")) for a, d in rows]


def test_search_without_diacritics_highlights_the_words_as_written(news: Api) -> None:
    r = news.client.get(URL, params={"q": "nghe an"}, headers=news.headers("viewer"))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) >= 12
    assert [i["id"] for i in items] == sorted((i["id"] for i in items), reverse=True)
    for item in items:
        marked = [item["title"][s:e] for s, e in item["title_spans"]]
        if item["snippet"]:
            marked += [item["snippet"]["text"][s:e] for s, e in item["snippet"]["spans"]]
        assert {m.lower() for m in marked} & {"nghệ", "an"}, item
    named = [i for i in items if "Nghệ An" in (i["title"] or "")]
    assert named and all(i["source"] and i["url"].startswith("https://") and i["language"] == "vi" for i in named)
    assert audits(news, "articles.search") == [("user:viewer", {"q": "nghe an"})]


def test_filters_and_the_cursor_page_through_everything_once(news: Api) -> None:
    h = news.headers("viewer")
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, object] = {"q": "nghệ an", "limit": 5, **({"cursor": cursor} if cursor else {})}
        page = news.client.get(URL, params=params, headers=h).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    everything = [i["id"] for i in news.client.get(URL, params={"q": "nghe an", "limit": 200}, headers=h).json()["items"]]
    assert seen == everything and len(seen) > 5
    with news.ctx.sessions() as s:
        first = s.get(Article, seen[0])
        assert first is not None and first.published_at is not None
        source = s.get(Source, first.source_id)
    by_source = news.client.get(URL, params={"source_id": first.source_id, "limit": 200}, headers=h).json()["items"]
    assert by_source and {i["source"] for i in by_source} == {source.name if source else None}
    day = first.published_at.isoformat()
    dated = news.client.get(URL, params={"q": "nghe an", "from": day, "to": day}, headers=h).json()["items"]
    assert dated == []  # "to" is exclusive
    dated = news.client.get(URL, params={"from": day, "limit": 200}, headers=h).json()["items"]
    assert first.id in {i["id"] for i in dated}
    assert all(i["published_at"] >= day.replace("+00:00", "Z") or i["published_at"] >= day for i in dated)
    assert news.client.get(URL, params={"cluster_id": first.cluster_id}, headers=h).json()["items"][0]["id"] == first.id


ODD_QUERIES = ('"', "\x00", "a\x00b", "OR", "AND OR NOT", "-", "((", "NOT", "💥", "%_*", "\\", "'; DROP TABLE articles; --")


def test_odd_queries_answer_200_with_nothing_and_never_fail(news: Api) -> None:
    for q in ODD_QUERIES:
        r = news.client.get(URL, params={"q": q}, headers=news.headers("viewer"))
        assert r.status_code == 200, (q, r.text)
        assert r.json()["items"] == [] or q.startswith("'"), q
    unterminated = news.client.get(URL, params={"q": '"nghe an'}, headers=news.headers("viewer")).json()["items"]
    phrase = news.client.get(URL, params={"q": '"nghe an"'}, headers=news.headers("viewer")).json()["items"]
    assert unterminated == phrase and phrase


def test_bounds_and_bad_parameters_are_422_with_a_message(news: Api) -> None:
    h = news.headers("viewer")
    for params in ({"q": "x" * 201}, {"q": " ".join(["tin"] * 21)}, {"limit": 201}, {"cursor": "nope"},
                   {"topic": "bat_dong_dissent"}, {"relevance": "maybe"}, {"from": "yesterday"}):
        r = news.client.get(URL, params=params, headers=h)
        assert r.status_code == 422, (params, r.text)
        assert "detail" in r.json()
    assert audits(news, "articles.search") == []  # nothing was read


def test_reading_needs_a_viewer(news: Api) -> None:
    assert news.client.get(URL).status_code == 401
    assert news.client.get(f"{URL}/1").status_code == 401


def test_one_article_with_its_urls_classification_and_copies(news: Api) -> None:
    from bantin.app.crawl import classify_new

    classify_new(news.ctx)
    h = news.headers("viewer")
    item = news.client.get(URL, params={"q": '"nghe an"', "limit": 1}, headers=h).json()["items"][0]
    assert item["relevance"] in {"primary", "mention", "none"} and item["top_topic"]
    r = news.client.get(f"{URL}/{item['id']}", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == item["id"] and "Nghệ An" in (body["title"] or "") + body["text"]
    assert item["url"] in body["urls"] and body["classification"]["province"]
    assert body["classification"]["relevance"] == item["relevance"]
    assert body["cluster_copies"] == [] or item["id"] not in body["cluster_copies"]
    assert news.client.get(f"{URL}/999999", headers=h).status_code == 404
    assert [t for t in (d for _, d in audits(news, "articles.read"))] == [{}, {}]
    with news.ctx.sessions() as s:
        targets = s.scalars(select(AuditEvent.target).where(AuditEvent.action == "articles.read",
                                                            AuditEvent.id > news.audit_from)).all()  # type: ignore[attr-defined]
    assert targets == [f"article:{item['id']}", "article:999999"]


def test_the_audit_row_is_committed_before_the_rows_are_read(news: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """If reading fails, the search is on record all the same (docs/principles.md, principle 3)."""
    from bantin.api.routes import articles

    def broken(*_a: object, **_k: object) -> object:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(articles, "article_query", broken)
    articles._page_statement.cache_clear()  # a page statement built by an earlier test would not be rebuilt
    from fastapi.testclient import TestClient

    client = TestClient(news.app, raise_server_exceptions=False)
    r = client.get(URL, params={"q": "nghe an", "topic": "tourism"}, headers=news.headers("analyst"))
    assert r.status_code == 500 and r.json() == {"detail": "lỗi máy chủ (internal error; it was logged)"}
    assert audits(news, "articles.search") == [("user:analyst", {"q": "nghe an", "topic": "tourism"})]


@pytest.mark.parametrize("params", [{"q": "nghe an"}, {"q": "\"nghệ an\" OR vinh", "limit": 5}, {"limit": 5}])
def test_the_list_page_is_exactly_its_schema(news: Api, params: dict[str, object]) -> None:
    """The list writes its JSON from dicts (api/listing/jsonpage.py), not through the model: what it sends must be
    what the model would have sent, highlights and times included."""
    from bantin.api.listing.pagination import Page
    from bantin.api.schemas.articles import ArticleItem

    raw = news.client.get(URL, params=params, headers=news.headers("viewer"))
    assert raw.status_code == 200 and raw.json()["items"]
    page = Page[ArticleItem].model_validate_json(raw.content)
    assert json.loads(page.model_dump_json()) == raw.json()
    if "q" in params:
        assert all(i["snippet"] is None or i["snippet"]["spans"] for i in raw.json()["items"])
