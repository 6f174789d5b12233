"""The reports page on real RSS items from ../shared (imported through `bantin articles import`'s path and
classified by the shipped models): per outlet and per language, the table holds bantin.reports' counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bantin import reports
from bantin.reports.days import VN_TZ
from bantin.store.schema import Article
from tests.search.realnews import import_lines, real_lines
from tests.web.conftest import Web

pytestmark = pytest.mark.shared
# Nghệ An items (classified as province coverage) and plain ones: a few outlets and days, in seconds.
NGHE_AN_ITEMS, PLAIN_ITEMS = 30, 40


@pytest.fixture
def real(web: Web, shared_data: Path) -> Web:
    from bantin.app.crawl import classify_new
    from tests.queue.newsroom import _Cache, classifier

    lines = real_lines(shared_data)
    picked = [line for line in lines if "Nghệ An".encode() in line][:NGHE_AN_ITEMS] + list(lines[-PLAIN_ITEMS:])
    assert import_lines(web.ctx.sessions, tuple(picked)).new >= 40
    classify_new(web.ctx, _Cache(classifier()))  # type: ignore[arg-type]
    return web


def _span(web: Web) -> tuple[str, str]:
    with web.ctx.read_sessions() as s:
        last = s.scalar(select(func.max(Article.published_at)))
    assert last is not None
    to = (last if last.tzinfo else last.replace(tzinfo=UTC)).astimezone(VN_TZ).date()
    return (to - timedelta(days=reports.MAX_RANGE_DAYS - 1)).isoformat(), to.isoformat()


def _totals(html: str, kind: str) -> dict[str, float]:
    """The coverage table's column totals, by column name."""
    body = re.search(rf'aria-labelledby="h-{kind}">(.*?)</section>', html, re.S).group(1)  # type: ignore[union-attr]
    rows = [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    header, rows = rows[0], rows[1:]
    return {name: sum(float(row[i].replace(".", "")) for row in rows) for i, name in enumerate(header) if i}


@pytest.mark.parametrize("by", ["outlet", "language"])
def test_real_items_per_outlet_and_language_add_up_to_the_report(real: Web, by: str) -> None:
    frm, to = _span(real)
    page = real.login("viewer").get("/reports", params={"from": frm, "to": to, "by": by, "relevance": "all"})
    assert page.status_code == 200, page.text
    totals = _totals(page.text, "coverage")
    with real.ctx.read_sessions() as s:
        rows = reports.coverage(s, datetime.fromisoformat(frm).date(), datetime.fromisoformat(to).date(), by=by,
                                relevance="all")
    assert rows
    assert totals["Tổng"] == sum(r["count"] for r in rows)
    per_key: dict[str, int] = {}
    for r in rows:
        per_key[r["key"]] = per_key.get(r["key"], 0) + r["count"]
    biggest = max(per_key, key=lambda k: per_key[k])
    name = {"vi": "tiếng Việt", "en": "tiếng Anh", "other": "ngôn ngữ khác"}.get(biggest, biggest) if by == "language" \
        else biggest
    assert totals[name] == per_key[biggest]
    svg = real.login("viewer").get("/reports/coverage.svg", params={"from": frm, "to": to, "by": by, "relevance": "all"})
    assert svg.status_code == 200 and name.encode() in svg.content  # the legend names it, as text
