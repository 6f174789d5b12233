"""The reports page on a queue built through the real ingest path (tests/queue/newsroom.py): its tables hold
bantin.reports' numbers, its charts are SVG with Vietnamese titles, its CSVs are the tables and audited."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from bantin import reports
from bantin.reports.days import VN_TZ
from bantin.store.schema import AuditEvent
from tests.queue.newsroom import T0, two_province_stories
from tests.web.conftest import Web

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def newsroom(web: Web) -> Web:
    """Two province stories (the bridge with a foreign copy, the flood) and an unrelated article."""
    two_province_stories(web.ctx)
    return web


def _range() -> tuple[date, date]:
    """A range holding T0's day and today (the stories are created when they are admitted: now)."""
    return T0.astimezone(VN_TZ).date() - timedelta(days=2), datetime.now(VN_TZ).date()


def _tables(html: str) -> dict[str, list[list[str]]]:
    """Each report section's table as rows of cell texts (header row first)."""
    out = {}
    for kind, body in re.findall(r'<section class="card report" aria-labelledby="h-([a-z-]+)">(.*?)</section>', html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        out[kind] = [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
                     for r in rows]
    return out


def _num(text: str) -> float | None:
    return None if text == "—" else float(text.replace(".", "").replace(",", "."))


def test_coverage_table_holds_the_reports_numbers_per_day_and_topic(newsroom: Web) -> None:
    frm, to = _range()
    page = newsroom.login("viewer").get("/reports", params={"from": frm.isoformat(), "to": to.isoformat()})
    assert page.status_code == 200, page.text
    assert "Số bài mỗi ngày theo chủ đề" in page.text and "Xem dạng bảng" in page.text
    table = _tables(page.text)["coverage"]
    header, rows = table[0], table[1:]
    assert header[0] == "Ngày" and header[-1] == "Tổng"
    assert len(rows) == (to - frm).days + 1  # every day of the range, zeros included
    with newsroom.ctx.read_sessions() as s:
        expected = reports.coverage(s, frm, to, by="topic")
    assert expected, "the newsroom's province articles are counted"
    from bantin.classify.topics.taxonomy import BY_KEY
    shown = {}
    for row in rows:
        day = datetime.strptime(row[0], "%d/%m/%Y").date()
        for name, cell in zip(header[1:-1], row[1:-1], strict=True):
            if _num(cell):
                shown[(day, name)] = _num(cell)
        assert _num(row[-1]) == sum(_num(c) or 0 for c in row[1:-1])
    assert shown == {(r["day"], BY_KEY[r["key"]].vi if r["key"] else "không rõ"): r["count"] for r in expected}


def test_domestic_foreign_and_response_tables_equal_the_reports(newsroom: Web) -> None:
    frm, to = _range()
    page = newsroom.login("viewer").get("/reports", params={"from": frm.isoformat(), "to": to.isoformat()})
    tables = _tables(page.text)
    with newsroom.ctx.read_sessions() as s:
        origin = {r["day"]: r for r in reports.domestic_foreign(s, frm, to)}
        times = {r["priority"]: r for r in reports.response_times(s, frm, to)}
    assert tables["origin"][0] == ["Ngày", "Báo trong nước", "Báo nước ngoài", "không rõ", "Tổng"]
    for row in tables["origin"][1:]:
        r = origin.get(datetime.strptime(row[0], "%d/%m/%Y").date(), {"domestic": 0, "foreign": 0, "unknown": 0})
        assert [_num(c) for c in row[1:4]] == [r["domestic"], r["foreign"], r["unknown"]]
    assert sum(_num(row[2]) or 0 for row in tables["origin"][1:]) == 1  # Foreign Daily's copy of the bridge
    names = {"khẩn": "urgent", "cao": "high", "bình thường": "normal", "thấp": "low"}
    rt = tables["response-times"]
    assert rt[0][:2] == ["Mức ưu tiên", "Số tin"]
    assert [row[0] for row in rt[1:]] == ["khẩn", "cao", "bình thường", "thấp"]
    for row in rt[1:]:
        r = times[names[row[0]]]
        assert _num(row[1]) == r["stories"]
        assert _num(row[3]) == r["to_triage"]["median_hours"]
        assert _num(row[8]) == r["overdue_open"]
    assert sum(_num(row[1]) or 0 for row in rt[1:]) == 2  # the bridge and the flood stories


def test_grouping_by_outlet_names_the_outlets(newsroom: Web) -> None:
    frm, to = _range()
    page = newsroom.login("viewer").get("/reports", params={"from": frm.isoformat(), "to": to.isoformat(),
                                                             "by": "outlet"})
    header = _tables(page.text)["coverage"][0]
    assert "Số bài mỗi ngày theo cơ quan báo chí" in page.text
    assert {"Báo Thử", "Báo Khác", "Foreign Daily"} <= set(header)


def test_chart_is_svg_with_the_vietnamese_title_and_its_own_csp(newsroom: Web) -> None:
    frm, to = _range()
    client = newsroom.login("viewer")
    for kind, title in (("coverage", "Số bài mỗi ngày theo chủ đề"), ("origin", "Báo trong nước và nước ngoài mỗi ngày"),
                        ("response-times", "Thời gian xử lý theo mức ưu tiên (giờ)")):
        r = client.get(f"/reports/{kind}.svg", params={"from": frm.isoformat(), "to": to.isoformat()})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("image/svg+xml")
        assert r.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
        assert r.headers["cache-control"] == "private, max-age=300"
        root = ET.fromstring(r.content)
        assert root.find(f"{SVG_NS}title").text == title  # type: ignore[union-attr]
        texts = "".join(root.itertext())
        assert title in texts
    page = client.get("/reports")
    assert "style-src 'self'" in page.headers["content-security-policy"]  # the page keeps its own policy


def test_a_reversed_range_says_so_in_one_line_and_keeps_what_was_typed(newsroom: Web) -> None:
    client = newsroom.login("viewer")
    r = client.get("/reports", params={"from": "2026-11-30", "to": "2026-11-01", "by": "language"})
    assert r.status_code == 422
    assert "Ngày kết thúc đang trước ngày bắt đầu." in r.text
    assert 'value="2026-11-30"' in r.text and 'value="2026-11-01"' in r.text
    assert '<option value="language" selected>' in r.text
    assert "<img" not in r.text.split('id="report-body"')[1]


@pytest.mark.parametrize(("params", "message"), [
    ({"from": "2025-01-01", "to": "2026-11-30"}, "Mỗi báo cáo tối đa 366 ngày"),
    ({"from": "30/11/2026"}, "Ngày phải được nhập đúng dạng ngày"),
    ({"by": "author"}, "Hãy chọn cách nhóm"),
])
def test_bad_queries_get_a_vietnamese_message(web: Web, params: dict[str, str], message: str) -> None:
    r = web.login("viewer").get("/reports", params=params)
    assert r.status_code == 422 and message in r.text
    svg = web.login("viewer").get("/reports/coverage.svg", params=params)
    assert svg.status_code == 422


def test_csv_is_the_table_and_is_audited_before_it_is_sent(newsroom: Web) -> None:
    frm, to = _range()
    params = {"from": frm.isoformat(), "to": to.isoformat()}
    client = newsroom.login("viewer")
    tables = _tables(client.get("/reports", params=params).text)
    for kind in ("coverage", "origin", "response-times"):
        r = client.get(f"/reports/{kind}.csv", params=params)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        assert f"bantin-report-{kind}-" in r.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows[0] == tables[kind][0]
        assert len(rows) == len(tables[kind])
        for got, shown in zip(rows[1:], tables[kind][1:], strict=True):
            assert [float(c) if c else None for c in got[1:]] == [_num(c) for c in shown[1:]]
    with newsroom.ctx.sessions() as s:
        audits = s.execute(select(AuditEvent.actor, AuditEvent.target).where(AuditEvent.action == "export")).all()
    assert [t for _a, t in audits] == ["export:report-coverage", "export:report-origin", "export:report-response-times"]
    assert all(a.startswith("user:") for a, _t in audits)


def test_empty_database_shows_empty_tables_and_no_data_charts(web: Web) -> None:
    client = web.login("viewer")
    page = client.get("/reports")
    assert page.status_code == 200
    svg = client.get("/reports/coverage.svg")
    assert "Không có dữ liệu" in "".join(ET.fromstring(svg.content).itertext())


def test_english_reader_gets_english_titles_and_topic_names(newsroom: Web) -> None:
    client = newsroom.login("viewer")
    client.post("/lang", data={"lang": "en", "next": "/reports"})
    frm, to = _range()
    page = client.get("/reports", params={"from": frm.isoformat(), "to": to.isoformat()})
    assert "Articles per day by topic" in page.text and "Show as a table" in page.text
    svg = client.get("/reports/origin.svg", params={"from": frm.isoformat(), "to": to.isoformat()})
    assert "Domestic and foreign outlets per day" in svg.text


def test_anonymous_is_sent_to_login(web: Web) -> None:
    r = web.client.get("/reports/coverage.svg")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/reports/coverage.svg")


def test_htmx_gets_the_report_body_alone_with_its_message(newsroom: Web) -> None:
    client = newsroom.login("viewer")
    frm, to = _range()
    part = client.get("/reports", params={"from": frm.isoformat(), "to": to.isoformat(), "by": "language"},
                      headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="report-body">') and "<html" not in part.text
    assert "Số bài mỗi ngày theo ngôn ngữ" in part.text and "tiếng Việt" in part.text
    bad = client.get("/reports", params={"from": "2026-11-30", "to": "2026-11-01"}, headers={"HX-Request": "true"})
    assert bad.status_code == 200 and "Ngày kết thúc đang trước ngày bắt đầu." in bad.text
