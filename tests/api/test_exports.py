"""Exports as CSV and XLSX: what users open in Excel, audited before the first byte, bounded memory."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import anyio
import pytest
from sqlalchemy import select

from bantin.api.export_queries import ARTICLE_COLUMNS
from bantin.api.tabular import LIMIT_HEADER, MAX_EXPORT_ROWS, csv_chunks, xlsx_chunks
from bantin.store.office import Story
from bantin.store.schema import AuditEvent
from tests.api.conftest import Api
from tests.api.xlsxread import read_xlsx
from tests.reports.seed import article, source

T = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 23:30 on 1 March in Vietnam
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
        article(s, 1, T, source_id=vn, title=TITLE, summary="Mưa lớn; “dân” sơ tán", topic="disaster")
        article(s, 2, T, source_id=vn, title="=HYPERLINK(\"http://x\")", topic="disaster")
        article(s, 3, T, source_id=other, language="en", title="Floods in Vietnam")
        article(s, 4, T, source_id=vn, relevance="none")
        for i, state in enumerate(["new", "responded", "new"]):
            s.add(Story(title=f"Câu chuyện {i}: Cửa Lò", state=state, priority="high", entered_by="relevance:primary",
                        outlets=json.dumps(["Báo Nghệ An", "Tuổi Trẻ"], ensure_ascii=False), languages='["vi"]',
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
    assert flood["topic"] == "disaster" and flood["url"] == "https://news.example.test/bai-1.html"


def test_export_is_audited_with_its_filters(api: Api) -> None:
    api.client.get("/api/v1/exports/articles.xlsx", params={"language": "vi", "from": "2026-03-01"},
                   headers=api.headers("analyst"))
    row = _audits(api)[-1]
    assert row.actor == "user:analyst" and row.target == "export:articles"
    detail = json.loads(row.detail or "{}")
    assert detail["format"] == "xlsx" and detail["filters"] == {"language": "vi", "from": "2026-03-01"}


def test_xlsx_export_opens_with_the_same_rows(api: Api) -> None:
    r = api.client.get("/api/v1/exports/articles.xlsx", params={"topic": "disaster"}, headers=api.headers("viewer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(r.content)
    assert rows[0] == list(ARTICLE_COLUMNS)
    titles = sorted(row[6] for row in rows[1:])
    assert titles == sorted([TITLE, "=HYPERLINK(\"http://x\")"])  # a string cell in XLSX, never a formula
    assert rows[1][0] == "1" and rows[1][2] == "Báo Nghệ An"


def test_day_filters_use_vietnamese_days(api: Api) -> None:
    on_2nd = api.client.get("/api/v1/exports/articles.csv", params={"from": "2026-03-02"}, headers=api.headers("viewer"))
    on_1st = api.client.get("/api/v1/exports/articles.csv", params={"from": "2026-03-01", "to": "2026-03-01"},
                            headers=api.headers("viewer"))
    assert len(_csv_rows(on_2nd.content)) == 1  # the header only: 16:30 UTC is still 1 March in Vietnam
    assert len(_csv_rows(on_1st.content)) == 5


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
    assert [row[3] for row in rows[1:]] == ["Câu chuyện 0: Cửa Lò", "Câu chuyện 2: Cửa Lò"]
    assert rows[1][7] == "Báo Nghệ An; Tuổi Trẻ" and rows[1][12] == "2026-03-01T23:30:00+07:00"
    assert _audits(api)[-1].target == "export:stories"
    xl = api.client.get("/api/v1/exports/stories.xlsx", params={"state": "responded"}, headers=api.headers("viewer"))
    assert [row[3] for row in read_xlsx(xl.content)[1:]] == ["Câu chuyện 1: Cửa Lò"]


def test_exports_need_a_user_and_valid_filters(api: Api) -> None:
    before = len(_audits(api))
    assert api.client.get("/api/v1/exports/articles.csv").status_code == 401
    bad = api.client.get("/api/v1/exports/articles.pdf", headers=api.headers("viewer"))
    assert bad.status_code == 422 and "detail" in bad.json()
    reversed_days = api.client.get("/api/v1/exports/stories.csv", params={"from": "2026-03-02", "to": "2026-03-01"},
                                   headers=api.headers("viewer"))
    assert reversed_days.status_code == 422 and "before from" in reversed_days.json()["detail"]
    assert api.client.get("/api/v1/exports/stories.csv", params={"state": "dissent"},
                          headers=api.headers("viewer")).status_code == 422
    for days in ({"from": "0001-01-01"}, {"to": "9999-12-31"}):  # no midnight in Vietnam's UTC+7 era / no end
        r = api.client.get("/api/v1/exports/articles.xlsx", params=days, headers=api.headers("viewer"))
        assert r.status_code == 422 and "days must lie between" in r.json()["detail"]
    assert len(_audits(api)) == before  # refused requests export nothing and record no export
