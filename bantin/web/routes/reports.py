"""The reports page (viewer): coverage per day by topic, outlet or language, domestic against foreign
outlets, and the office's response times, each as a server-drawn SVG chart (bantin.charts, readable without
JavaScript) with a table of the same numbers and a CSV of the table's rows.

The numbers come from ``bantin.reports``, the functions the API's /api/v1/reports/* call, over the same
default range (the last DEFAULT_DAYS Vietnamese days) and the same bound (reports.MAX_RANGE_DAYS).
Auditing follows the API: the page and its charts are aggregates (counts and durations, no rows of the
queue), which the API does not audit; the CSV is an export, audited before its first byte
(docs/principles.md, principle 3) by ``api.tabular.audited_export``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from bantin import reports
from bantin.api.deps import CtxDep, CurrentUser, ReadSessionDep
from bantin.api.routes.reports import DEFAULT_DAYS
from bantin.api.tabular import audited_export
from bantin.reports.coverage import BY_VALUES, RELEVANCE_VALUES
from bantin.reports.days import VN_TZ
from bantin.web.guard import page
from bantin.web.i18n import _, fmt_date
from bantin.web.routes.reports_tables import Table, chart_of, coverage_table, origin_table, response_table
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)

KINDS = ("coverage", "origin", "response-times")
# An ISO day is 10 characters; anything longer is not a day.
DAY_CHARS = 10
# A choice's longest value ("language", "province") with room; longer input is refused before it is read.
CHOICE_CHARS = 20
# An SVG is the image of an aggregate: the browser may keep it a few minutes for this user only.
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
               "Cache-Control": "private, max-age=300"}

Day = Annotated[str, Query(max_length=DAY_CHARS)]
Choice = Annotated[str, Query(max_length=CHOICE_CHARS)]


class BadReportQuery(ValueError):
    """What the reader asked for cannot be reported; the message is one line in their language."""


@dataclass(frozen=True)
class ReportQuery:
    frm: date
    to: date
    by: str
    relevance: str

    def params(self) -> str:
        return urlencode({"from": self.frm.isoformat(), "to": self.to.isoformat(), "by": self.by,
                          "relevance": self.relevance})

    def for_audit(self) -> dict[str, Any]:
        return {"from": self.frm, "to": self.to, "by": self.by, "relevance": self.relevance}


def parse_query(frm: str, to: str, by: str, relevance: str) -> ReportQuery:
    today = datetime.now(VN_TZ).date()
    try:
        last = date.fromisoformat(to) if to else today
        first = date.fromisoformat(frm) if frm else last - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise BadReportQuery(_("Dates must be written as a day, e.g. 2026-11-30.")) from None
    if by not in BY_VALUES or relevance not in RELEVANCE_VALUES:
        raise BadReportQuery(_("Choose a grouping and a relevance from the lists."))
    if last < first:
        raise BadReportQuery(_("The last day is before the first day."))
    if (last - first).days + 1 > reports.MAX_RANGE_DAYS:
        raise BadReportQuery(_("A report covers at most %(days)s days; choose a shorter range.",
                               days=reports.MAX_RANGE_DAYS))
    try:
        reports.day_range(first, last)
    except reports.RangeError:
        raise BadReportQuery(_("Reports cover days from 13 June 1975 on.")) from None
    return ReportQuery(first, last, by, relevance)


def _query_or_422(frm: str, to: str, by: str, relevance: str) -> ReportQuery:
    try:
        return parse_query(frm, to, by, relevance)
    except BadReportQuery as exc:
        raise HTTPException(422, str(exc)) from None


def build(s: Any, kind: str, q: ReportQuery) -> Table:
    if kind == "coverage":
        return coverage_table(s, q.frm, q.to, q.by, q.relevance)
    if kind == "origin":
        return origin_table(s, q.frm, q.to, q.relevance)
    return response_table(s, q.frm, q.to)


def texts(kind: str, q: ReportQuery) -> tuple[str, str]:
    """A chart's title and its description (the SVG's <desc> and the image's alt text)."""
    span = _("from %(first)s to %(last)s", first=fmt_date(q.frm), last=fmt_date(q.to))
    if kind == "coverage":
        title = {"topic": _("Articles per day by topic"), "outlet": _("Articles per day by outlet"),
                 "language": _("Articles per day by language")}[q.by]
        desc = _("Bar chart of articles per day, %(span)s, stacked by group; the table below has the numbers.",
                 span=span)
    elif kind == "origin":
        title = _("Domestic and foreign outlets per day")
        desc = _("Bar chart of articles per day, %(span)s, from domestic, foreign and unknown outlets; the "
                 "table below has the numbers.", span=span)
    else:
        title = _("Response times per priority (hours)")
        desc = _("Horizontal bars of the median and 90th percentile hours to triage and to response per "
                 "priority, for stories created %(span)s; the table below has the numbers.", span=span)
    return title, desc


@router.get("/reports", dependencies=[page("viewer")])
def reports_page(request: Request, s: ReadSessionDep, frm: Annotated[str, Query(alias="from", max_length=DAY_CHARS)] = "",
                 to: Day = "", by: Choice = "topic", relevance: Choice = "province") -> Response:
    typed = {"from": frm, "to": to, "by": by, "relevance": relevance}
    htmx = request.headers.get("hx-request") == "true"
    template = "reports_body.html" if htmx else "reports.html"
    try:
        q = parse_query(frm, to, by, relevance)
    except BadReportQuery as exc:
        # htmx swaps only 2xx answers: its fragment carries the message with 200, the full page says 422
        return render(request, template, status_code=200 if htmx else 422, error=str(exc), typed=typed, sections=[],
                      by_values=BY_VALUES, relevance_values=RELEVANCE_VALUES)
    sections = [{"kind": k, "title": texts(k, q)[0], "desc": texts(k, q)[1], "table": build(s, k, q)}
                for k in KINDS]
    typed = {**typed, "from": q.frm.isoformat(), "to": q.to.isoformat()}
    return render(request, template, q=q, typed=typed, sections=sections, error=None,
                  by_values=BY_VALUES, relevance_values=RELEVANCE_VALUES)


@router.get("/reports/{kind}.svg", dependencies=[page("viewer")])
def report_chart(kind: str, s: ReadSessionDep, frm: Annotated[str, Query(alias="from", max_length=DAY_CHARS)] = "",
                 to: Day = "", by: Choice = "topic", relevance: Choice = "province") -> Response:
    if kind not in KINDS:
        raise HTTPException(404)
    q = _query_or_422(frm, to, by, relevance)
    title, desc = texts(kind, q)
    svg = chart_of(kind, build(s, kind, q), title, desc)
    return Response(svg, media_type="image/svg+xml", headers=SVG_HEADERS)


@router.get("/reports/{kind}.csv", dependencies=[page("viewer")])
def report_csv(kind: str, ctx: CtxDep, me: CurrentUser,
               frm: Annotated[str, Query(alias="from", max_length=DAY_CHARS)] = "", to: Day = "",
               by: Choice = "topic", relevance: Choice = "province") -> Response:
    if kind not in KINDS:
        raise HTTPException(404)
    q = _query_or_422(frm, to, by, relevance)
    # The table is computed first (its columns depend on the range's largest groups); nothing is output
    # before audited_export has committed the audit row.
    with ctx.read_sessions() as s:
        table = build(s, kind, q)
    return audited_export(ctx, me, f"report-{kind}", q.for_audit(), iter(table.rows), table.columns, "csv")
