"""Exports as CSV and XLSX: what users open in Excel, audited before the first byte, bounded memory."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import anyio
import pytest
from sqlalchemy import select

from bantin.api.export_queries import ARTICLE_COLUMNS, STORY_COLUMNS
from bantin.api.tabular import LIMIT_HEADER, MAX_EXPORT_ROWS, csv_chunks, xlsx_chunks
from bantin.search.index import index_articles
from bantin.store.office import Story
from bantin.store.schema import Article, AuditEvent
from tests.api.conftest import Api
from tests.api.xlsxread import read_xlsx
from tests.reports.seed import article, source

T = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 23:30 on 1 March in Vietnam
PAST = datetime(2026, 1, 1, tzinfo=UTC)  # due dates long gone (the test runs later) and far ahead
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
TITLE = "Nghệ An: lũ quét ở Kỳ Sơn – “khẩn cấp” di dời dân"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One seeded app per database for the module (users take seconds to hash): tests only read it."""
    from tests.api.conftest import make_api
    from tests.dbfixtures import make_db_url

    tmp = tmp_path_factory.mktemp(f"exports-{request.param}")
    db = make_db_url(request.param, tmp)
    a = make_api(next(db), tmp)
    with a.ctx.sessions() as s:
        vn = source(s, "Báo Nghệ An", "VN", "vi")
        other = source(s, "Reuters", "GB", "en")
        article(s, 1, T, source_id=vn, title=TITLE, summary="Mưa lớn; “dân” sơ tán", topic="environment")
        article(s, 2, T, source_id=vn, title="=HYPERLINK(\"http://x\")", topic="environment")
        article(s, 3, T, source_id=other, language="en", title="Floods in Vietnam")
        article(s, 4, T, source_id=vn, relevance="none")
        for n in range(5, 12):  # with and without the province in the words, to page through in small batches
            place = "Nghệ An" if n % 3 else "Hà Tĩnh"
            article(s, n, T + timedelta(hours=n), source_id=vn if n % 2 else other, relevance="mention",
                    title=f"Tin {n}: {place} mùa lũ")
        index_articles(s, list(s.scalars(select(Article))))
        for i, state in enumerate(["new", "responded", "new"]):
            s.add(Story(title=f"Câu chuyện {i}: Cửa Lò", state=state, priority="high", entered_by="relevance:primary",
                        outlets=json.dumps(["Báo Nghệ An", "Tuổi Trẻ"], ensure_ascii=False), languages='["vi"]',
                        created_at=T, updated_at=T))
        for i, (state, due) in enumerate([("triaged", PAST), ("assigned", FUTURE), ("dismissed", PAST),
                                          ("responding", PAST), ("triaged", None)], start=3):
            s.add(Story(title=f"Câu chuyện {i}: hạn", state=state, entered_by="rule:hạn", due_at=due,
                        dismissed_reason="Không liên quan" if state == "dismissed" else None,
                        created_at=T, updated_at=T))
        s.commit()
    yield a
    a.ctx.engine.dispose()
    db.close()


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))


def _audits(api: Api) -> list[AuditEvent]:
    with api.ctx.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)))


def _last_audit(api: Api, action: str) -> dict[str, object]:
    with api.ctx.sessions() as s:
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())).first()
    assert row is not None
    return json.loads(row.detail or "{}")  # type: ignore[no-any-return]


def _paged_ids(api: Api, url: str, params: dict[str, object], limit: int = 2) -> list[int]:
    """Every id the list route gives, following its cursor to the end, ``limit`` a page."""
    ids: list[int] = []
    cursor = None
    while True:
        page = api.client.get(url, params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})},
                              headers=api.headers("viewer"))
        assert page.status_code == 200, page.text
        ids += [i["id"] for i in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return ids


def test_csv_export_round_trips_vietnamese_and_applies_filters(api: Api) -> None:
    r = api.client.get("/api/v1/exports/articles.csv", params={"relevance": "primary", "source_id": 1},
                       headers=api.headers("viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers[LIMIT_HEADER] == str(MAX_EXPORT_ROWS)
    assert "attachment" in r.headers["content-disposition"]
    rows = _csv_rows(r.content)
    assert rows[0] == list(ARTICLE_COLUMNS)
    by_title = {row[6]: dict(zip(ARTICLE_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_title) == {TITLE, "'=HYPERLINK(\"http://x\")"}  # a formula is defused with an apostrophe
    flood = by_title[TITLE]
    assert flood["source"] == "Báo Nghệ An" and flood["summary"] == "Mưa lớn; “dân” sơ tán"
    assert flood["published"] == "2026-03-01T23:30:00+07:00"  # the office's time, not UTC
    assert flood["topic"] == "environment" and flood["url"] == "https://news.example.test/bai-1.html"


def test_a_search_export_lists_exactly_what_the_list_pages_through(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bantin.api.export_queries.EXPORT_BATCH", 2)  # many keyset batches over a few rows
    listed = _paged_ids(api, "/api/v1/articles", {"q": "nghe an"})
    r = api.client.get("/api/v1/exports/articles.csv", params={"q": "nghe an"}, headers=api.headers("viewer"))
    assert r.status_code == 200
    rows = _csv_rows(r.content)[1:]
    assert [int(row[0]) for row in rows] == listed  # the same articles, in the same (newest first) order
    assert set(listed) == {1, 4, 5, 7, 8, 10, 11}  # Nghệ An without its diacritics; not Hà Tĩnh (6, 9)
    assert "Tin 11: Nghệ An mùa lũ" in {row[6] for row in rows}
    narrowed = api.client.get("/api/v1/exports/articles.xlsx", params={"q": "nghe an", "source_id": 2},
                              headers=api.headers("viewer"))
    xl_ids = [int(row[0]) for row in read_xlsx(narrowed.content)[1:]]
    assert xl_ids == _paged_ids(api, "/api/v1/articles", {"q": "nghe an", "source_id": 2}) == [10, 8]


def test_a_saved_search_exports_its_query_and_filters(api: Api) -> None:
    made = api.client.post("/api/v1/searches", json={"name": "Lũ Nghệ An", "q": "nghe an",
                                                     "filters": {"relevance": "mention"}},
                           headers=api.headers("analyst"))
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    h = api.headers("analyst")
    page = api.client.get("/api/v1/articles", params={"search_id": sid, "limit": 200}, headers=h).json()["items"]
    r = api.client.get("/api/v1/exports/articles.csv", params={"search_id": sid}, headers=h)
    assert [int(row[0]) for row in _csv_rows(r.content)[1:]] == [i["id"] for i in page] == [11, 10, 8, 7, 5]
    assert _last_audit(api, "export")["filters"] == {"search_id": sid, "q": "nghe an", "relevance": "mention"}
    other = api.client.get("/api/v1/exports/articles.csv", params={"search_id": sid}, headers=api.headers("viewer"))
    assert other.status_code == 404 and other.json()["detail"].startswith("không tìm thấy")


def test_export_is_audited_with_the_filters_the_list_records(api: Api) -> None:
    params = {"language": "vi", "from": "2026-03-01T00:00:00+07:00", "q": "lũ"}
    api.client.get("/api/v1/articles", params=params, headers=api.headers("analyst"))
    listed = _last_audit(api, "articles.search")
    api.client.get("/api/v1/exports/articles.xlsx", params=params, headers=api.headers("analyst"))
    row = _audits(api)[-1]
    assert row.actor == "user:analyst" and row.target == "export:articles"
    detail = json.loads(row.detail or "{}")
    assert detail["format"] == "xlsx" and detail["filters"] == listed
    assert listed == {"q": "lũ", "language": "vi", "published_from": "2026-03-01 00:00:00+07:00"}


def test_xlsx_export_opens_with_the_same_rows(api: Api) -> None:
    r = api.client.get("/api/v1/exports/articles.xlsx", params={"topic": "environment"},
                       headers=api.headers("viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(r.content)
    assert rows[0] == list(ARTICLE_COLUMNS)
    assert [row[6] for row in rows[1:]] == ["=HYPERLINK(\"http://x\")", TITLE]  # a string cell, never a formula
    assert rows[2][0] == "1" and rows[2][2] == "Báo Nghệ An"


def test_time_filters_are_the_lists_with_their_zones(api: Api) -> None:
    later = {"from": "2026-03-02T06:00:00+07:00"}  # T + 7 h and after: articles 7 to 11
    r = api.client.get("/api/v1/exports/articles.csv", params=later, headers=api.headers("viewer"))
    assert [int(row[0]) for row in _csv_rows(r.content)[1:]] == [11, 10, 9, 8, 7] == _paged_ids(
        api, "/api/v1/articles", later)
    window = {"from": "2026-03-01T16:30:00Z", "to": "2026-03-01T23:31:00+07:00"}  # at T ("to" is exclusive)
    r = api.client.get("/api/v1/exports/articles.csv", params=window, headers=api.headers("viewer"))
    assert len(_csv_rows(r.content)) == 5  # the header and articles 1 to 4, all published at T


def test_the_audit_row_is_committed_before_the_first_byte(api: Api) -> None:
    before = max([a.id for a in _audits(api)], default=0)
    with api.client.stream("GET", "/api/v1/exports/articles.csv", headers=api.headers("viewer")) as r:
        first = next(r.iter_bytes())
        assert first.startswith(b"\xef\xbb\xbf")
        assert _audits(api)[-1].id > before  # visible to another session while the body is still open


def test_rows_are_read_only_after_the_audit_commit(api: Api) -> None:
    from bantin.api.roles import Principal
    from bantin.api.tabular import audited_export

    seen: list[int] = []
    before = len(_audits(api))

    def rows():  # type: ignore[no-untyped-def]
        seen.append(len(_audits(api)))  # what another connection sees when the first row is asked for
        yield (1, "Tin")
        raise RuntimeError("the database went away mid-export")

    me = Principal(user_id=1, name="viewer", role="viewer", via="token")
    response = audited_export(api.ctx, me, "articles", {"topic": None}, rows(), ("id", "title"), "csv")
    assert len(_audits(api)) == before + 1 and seen == []  # committed before any output, nothing read yet

    async def consume() -> None:
        async for _ in response.body_iterator:
            pass

    with pytest.raises(RuntimeError, match="went away"):
        anyio.run(consume)
    assert seen == [before + 1] and len(_audits(api)) == before + 1  # an interrupted export stays recorded


def test_a_bounded_export_says_it_was_cut() -> None:
    body = b"".join(csv_chunks(("n",), ((i,) for i in range(5)), limit=3))
    rows = _csv_rows(body)
    assert rows[:4] == [["n"], ["0"], ["1"], ["2"]]
    assert len(rows) == 5 and "truncated at 3 rows" in rows[4][0] and "đã cắt" in rows[4][0]
    xrows = read_xlsx(b"".join(xlsx_chunks(("n",), ((i,) for i in range(5)), limit=3)))
    assert [r[0] for r in xrows[:4]] == ["n", "0", "1", "2"] and "truncated at 3 rows" in xrows[4][0]
    exact = _csv_rows(b"".join(csv_chunks(("n",), ((i,) for i in range(3)), limit=3)))
    assert len(exact) == 4  # exactly at the bound: nothing was left out, no note


def test_the_xlsx_temp_file_is_gone_while_streaming_and_after(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chunks = xlsx_chunks(("tiêu đề",), (("Đà Nẵng",) for _ in range(10)), tmpdir=str(tmp_path))
    first = next(chunks)
    assert first.startswith(b"PK") and os.listdir(tmp_path) == []
    chunks.close()
    assert os.listdir(tmp_path) == []


def test_stories_export_filters_by_state(api: Api) -> None:
    r = api.client.get("/api/v1/exports/stories.csv", params={"state": "new"}, headers=api.headers("viewer"))
    rows = _csv_rows(r.content)
    assert rows[0] == list(STORY_COLUMNS)
    assert [row[3] for row in rows[1:]] == ["Câu chuyện 2: Cửa Lò", "Câu chuyện 0: Cửa Lò"]  # newest first
    assert rows[1][7] == "Báo Nghệ An; Tuổi Trẻ" and rows[1][12] == "2026-03-01T23:30:00+07:00"
    assert _audits(api)[-1].target == "export:stories"
    xl = api.client.get("/api/v1/exports/stories.xlsx", params={"state": "responded"}, headers=api.headers("viewer"))
    assert [row[3] for row in read_xlsx(xl.content)[1:]] == ["Câu chuyện 1: Cửa Lò"]


def test_a_stories_export_with_state_and_overdue_lists_what_the_queue_lists(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bantin.api.export_queries.EXPORT_BATCH", 1)
    params = {"state": ["triaged", "dismissed", "responding"], "overdue": "true"}
    listed = _paged_ids(api, "/api/v1/stories", params, limit=1)
    api.client.get("/api/v1/stories", params=params, headers=api.headers("viewer"))  # the first page
    queue_audit = _last_audit(api, "queue.read")["filters"]
    r = api.client.get("/api/v1/exports/stories.csv", params=params, headers=api.headers("viewer"))
    rows = _csv_rows(r.content)[1:]
    assert [int(row[0]) for row in rows] == listed
    assert [row[3] for row in rows] == ["Câu chuyện 6: hạn", "Câu chuyện 3: hạn"]  # open and past due only
    assert {row[1] for row in rows} == {"responding", "triaged"}
    assert queue_audit == {"states": ["triaged", "dismissed", "responding"], "overdue": True}
    assert _last_audit(api, "export")["filters"] == queue_audit  # recorded as the queue's read records it
    unowned = {"owner": "none", "priority": "high", "date_field": "created_at", "from": "2026-03-01T00:00:00Z"}
    xl = api.client.get("/api/v1/exports/stories.xlsx", params=unowned, headers=api.headers("viewer"))
    assert [int(row[0]) for row in read_xlsx(xl.content)[1:]] == _paged_ids(api, "/api/v1/stories", unowned)
    assert len(read_xlsx(xl.content)) == 4  # the header and the three high-priority stories


def test_exports_need_a_user_and_valid_filters(api: Api) -> None:
    before = len(_audits(api))
    assert api.client.get("/api/v1/exports/articles.csv").status_code == 401
    viewer = api.headers("viewer")
    bad = api.client.get("/api/v1/exports/articles.pdf", headers=viewer)
    assert bad.status_code == 422 and "detail" in bad.json()
    refused = [("articles", {"topic": "dissent"}), ("articles", {"q": "x" * 10_000}),
               ("articles", {"from": "0001-01-01T00:00:00+14:00"}), ("articles", {"language": "v\x00"}),
               ("articles", {"source_id": 2**70}), ("articles", {"cluster_id": 2**64}),
               ("stories", {"state": "dissent"}), ("stories", {"owner": "someone"}),
               ("stories", {"to": "0001-01-01T00:00:00+14:00"}), ("stories", {"topic": ["x"] * 51})]
    for what, params in refused:
        for fmt in ("csv", "xlsx"):
            r = api.client.get(f"/api/v1/exports/{what}.{fmt}", params=params, headers=viewer)
            assert r.status_code == 422 and "detail" in r.json(), (what, params, r.text)
    r = api.client.get("/api/v1/exports/articles.csv", params={"from": "0001-01-01T00:00:00+14:00"}, headers=viewer)
    assert "ngoài phạm vi" in r.json()["detail"]
    assert len(_audits(api)) == before  # refused requests export nothing and record no export
