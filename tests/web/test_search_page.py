"""The search page on real items (../shared/data/news): "nghe an" finds the "Nghệ An" items, the same set as
"Nghệ An" and as the API, highlighted on the original words; the CSV and XLSX exports behind its links hold
the results; a refused query keeps the box filled and says why in one line; every search is audited."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bantin.store.office import Story
from bantin.store.schema import Article, AuditEvent
from tests.api.xlsxread import read_xlsx
from tests.dbfixtures import make_db_url
from tests.search.realnews import import_lines, real_lines
from tests.web.conftest import Web, make_web

RESULT_LINK = re.compile(r'<li class="result">\s*<h3><a href="([^"]+)"')
EXPORT_LINK = re.compile(r'href="(/api/v1/exports/articles\.(?:csv|xlsx)\?[^"]*)"')


def nghe_an_lines(data: Path) -> tuple[bytes, ...]:
    lines = real_lines(data)
    return tuple([line for line in lines if "Nghệ An".encode() in line][:12] + list(lines[-20:]))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def news_web(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
             shared_data: Path) -> Iterator[Web]:
    """The web app on a database with real items, shared by this module's tests (they only read)."""
    tmp = tmp_path_factory.mktemp("websearch")
    urls = make_db_url(request.param, tmp)
    web = make_web(next(urls), tmp)
    report = import_lines(web.ctx.sessions, nghe_an_lines(shared_data))
    assert report.new >= 30
    yield web
    web.ctx.engine.dispose()
    for _ in urls:  # drops the PostgreSQL database
        pass


def result_urls(page: str) -> list[str]:
    return [html.unescape(u) for u in RESULT_LINK.findall(page)]


def test_nghe_an_without_diacritics_finds_the_nghe_an_items_highlighted_as_written(news_web: Web) -> None:
    viewer = news_web.login("viewer")
    plain = viewer.get("/search", params={"q": "nghe an"})
    assert plain.status_code == 200, plain.text
    written = viewer.get("/search", params={"q": "Nghệ An"})
    found = result_urls(plain.text)
    assert found and set(found) == set(result_urls(written.text))
    api = news_web.client.get("/api/v1/articles", params={"q": "Nghệ An", "limit": 100},
                              headers=news_web.headers("viewer")).json()["items"]
    assert set(found) == {a["url"] for a in api}
    with news_web.ctx.sessions() as s:  # every stored item naming Nghệ An is found
        named = {a.canonical_url for a in s.scalars(select(Article))
                 if "Nghệ An" in f"{a.title} {a.summary} {a.text}"}
    assert named <= set(found)
    assert "<mark>Nghệ An</mark>" in plain.text
    assert "Tìm kiếm bài báo" in plain.text and "Có tất cả: nghe; an" in plain.text
    assert 'value="nghe an"' in plain.text  # the box keeps the query


def test_a_result_in_a_story_links_to_the_story_page(news_web: Web) -> None:
    with news_web.ctx.sessions() as s:
        art = s.scalars(select(Article).where(Article.cluster_id.is_not(None), Article.title.contains("Nghệ An"))
                        .limit(1)).first()
        assert art is not None, "the imported items are clustered"
        story = s.scalar(select(Story).where(Story.cluster_id == art.cluster_id))
        if story is None:
            story = Story(cluster_id=art.cluster_id, origin_article_id=art.id, title=art.title,
                          entered_by="relevance:primary")
            s.add(story)
            s.commit()
        sid = story.id
    page = news_web.login("viewer").get("/search", params={"q": "nghe an"}).text
    assert f'href="/stories/{sid}"' in page and "Tin trong hàng đợi" in page


def test_the_csv_and_xlsx_exports_behind_the_links_hold_the_results(news_web: Web) -> None:
    viewer = news_web.login("viewer")
    page = viewer.get("/search", params={"q": "nghe an", "language": "vi"}).text
    shown = result_urls(page)
    links = [html.unescape(u) for u in EXPORT_LINK.findall(page)]
    assert len(links) == 2 and shown
    before = _count(news_web, "export")
    r = viewer.get(links[0])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["url"] for row in rows] == shown
    assert any("Nghệ An" in row["title"] for row in rows)
    x = viewer.get(links[1])
    assert x.status_code == 200
    sheet = read_xlsx(x.content)
    assert sheet[0][:3] == ["id", "published", "source"] and len(sheet) - 1 == len(shown)
    assert _count(news_web, "export") == before + 2  # each download audited


def test_every_search_from_the_page_is_audited_with_its_query(news_web: Web) -> None:
    viewer = news_web.login("viewer")
    viewer.get("/search")  # the empty page reads nothing, so it records nothing
    before = _count(news_web, "articles.search")
    viewer.get("/search", params={"q": "đầu tư", "topic": "economy"})
    with news_web.ctx.sessions() as s:
        last = s.scalars(select(AuditEvent).where(AuditEvent.action == "articles.search")
                         .order_by(AuditEvent.id.desc())).first()
    assert _count(news_web, "articles.search") == before + 1
    assert last is not None and last.actor == "user:viewer" and "đầu tư" in (last.detail or "")
    assert "economy" in (last.detail or "")


def test_a_refused_query_says_why_in_one_line_and_keeps_the_box_filled(news_web: Web) -> None:
    viewer = news_web.login("viewer")
    long_query = "nghe an " * 30
    r = viewer.get("/search", params={"q": long_query})
    assert r.status_code == 200
    assert "Truy vấn quá dài (tối đa 200 ký tự và 20 từ); hãy rút gọn lại." in r.text
    assert f'value="{long_query}"' in r.text and not result_urls(r.text)
    bad_day = viewer.get("/search", params={"q": "nghe an", "from": "31/02/2026"})
    assert "“31/02/2026” (từ ngày) không phải là ngày hợp lệ nên đã được bỏ qua." in bad_day.text
    assert result_urls(bad_day.text)  # the rest of the search still ran


def test_results_page_by_keyset_and_the_pages_together_are_the_whole_result(news_web: Web,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from bantin.web.routes import search

    viewer = news_web.login("viewer")
    everything = result_urls(viewer.get("/search", params={"q": "nghe an"}).text)
    monkeypatch.setattr(search, "PAGE_SIZE", 5)
    seen: list[str] = []
    url: str | None = "/search?q=nghe+an"
    while url is not None:
        page = viewer.get(url).text
        urls = result_urls(page)
        assert 0 < len(urls) <= 5
        seen.extend(urls)
        found = re.search(r'<a href="(/search\?[^"]*before=\d+)"', page)
        url = html.unescape(found.group(1)) if found else None
    assert seen == everything and len(everything) > 5
    assert "Trang sau" not in page and "Trang đầu" in page


def test_htmx_gets_only_the_results_fragment(news_web: Web) -> None:
    viewer = news_web.login("viewer")
    r = viewer.get("/search", params={"q": "nghe an"}, headers={"HX-Request": "true", "HX-Target": "results"})
    assert r.status_code == 200 and "<mark>Nghệ An</mark>" in r.text
    assert "<html" not in r.text and 'id="q"' not in r.text
    assert r.headers["HX-Push-Url"] == "/search?q=nghe+an"  # the address bar shows the search, not empty fields


def test_the_page_in_english_after_the_toggle(news_web: Web) -> None:
    viewer = news_web.login("viewer")
    viewer.cookies.set("bantin_lang", "en")
    page = viewer.get("/search", params={"q": "nghe an -bong", "language": "vi"}).text
    assert "Search articles" in page and "All of: nghe; an" in page and "None of: bong" in page
    assert '<option value="vi" selected>Vietnamese</option>' in page and "<mark>Nghệ An</mark>" in page


def _count(web: Web, action: str) -> int:
    with web.ctx.sessions() as s:
        return len(s.scalars(select(AuditEvent.id).where(AuditEvent.action == action)).all())
