"""The reports page's numbers: ``bantin.reports`` rows (the functions the API's /api/v1/reports/* call) turned
into one table per report, and each table into its chart. The table, the chart and the CSV show the same
numbers: the chart is drawn from the table, and the CSV is the table's rows.

Coverage is folded to the TOP_KEYS largest groups of the range plus "other" (the legend of a chart stays
readable; ``Table.folded`` names what "other" holds). Days are every Vietnamese calendar day of the range,
zeros included, so the chart's axis has no gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session

from bantin import charts, reports
from bantin.classify.topics.taxonomy import BY_KEY
from bantin.store.office import PRIORITIES
from bantin.web import i18n
from bantin.web.i18n import _

# Groups drawn and tabled one by one; the rest are summed as "other" (six colours and grey stay distinct).
TOP_KEYS = 6
# language codes the classifier writes (text/language.py: "vi" | "en" | "other")
LANGUAGES = {"vi": "Vietnamese", "en": "English", "other": "Other languages"}


@dataclass
class Table:
    """Column headers, rows of cells (dates, numbers or None) and what the chart needs to draw them."""
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)  # the groups summed in the "other" column
    grey: list[str] = field(default_factory=list)  # series drawn grey (other, unknown)


def days_of(frm: date, to: date) -> list[date]:
    return [frm + timedelta(days=i) for i in range((to - frm).days + 1)]


def key_name(by: str, key: str | None) -> str:
    """A group as the reader calls it: the topic's name in their language, the language's name, the outlet."""
    if key is None:
        return _("unknown")
    if by == "topic" and key in BY_KEY:
        return BY_KEY[key].vi if i18n.current_locale() == "vi" else BY_KEY[key].en
    if by == "language":
        return _(LANGUAGES.get(key, key))
    return key


def coverage_table(s: Session, frm: date, to: date, by: str, relevance: str) -> Table:
    counts: dict[str, dict[date, int]] = {}
    for row in reports.coverage(s, frm, to, by=by, relevance=relevance):
        per_day = counts.setdefault(key_name(by, row["key"]), {})
        per_day[row["day"]] = per_day.get(row["day"], 0) + row["count"]
    days = days_of(frm, to)
    series = [(name, [per_day.get(d, 0) for d in days]) for name, per_day in counts.items()]
    other, unknown = _("other"), _("unknown")
    top = charts.fold_top(series, TOP_KEYS, other)
    kept = {name for name, _values in top}
    table = Table([_("Day"), *[name for name, _values in top], _("Total")],
                  folded=sorted(name for name in counts if name not in kept), grey=[other, unknown])
    for i, d in enumerate(days):
        cells = [int(values[i]) for _name, values in top]
        table.rows.append([d, *cells, sum(cells)])
    return table


def origin_table(s: Session, frm: date, to: date, relevance: str) -> Table:
    per_day = {r["day"]: r for r in reports.domestic_foreign(s, frm, to, relevance=relevance)}
    table = Table([_("Day"), _("Domestic outlets"), _("Foreign outlets"), _("unknown"), _("Total")],
                  grey=[_("unknown")])
    for d in days_of(frm, to):
        r = per_day.get(d, {"domestic": 0, "foreign": 0, "unknown": 0})
        table.rows.append([d, r["domestic"], r["foreign"], r["unknown"], r["domestic"] + r["foreign"] + r["unknown"]])
    return table


def response_table(s: Session, frm: date, to: date) -> Table:
    table = Table([_("Priority"), _("Stories"), _("Triaged"), _("Median hours to triage"), _("P90 hours to triage"),
                   _("Responded"), _("Median hours to response"), _("P90 hours to response"),
                   _("Open and overdue"), _("Responded late")])
    rows = {r["priority"]: r for r in reports.response_times(s, frm, to)}
    for p in reversed(PRIORITIES):  # the most urgent first, as the queue sorts
        r = rows[p]
        t, a = r["to_triage"], r["to_response"]
        table.rows.append([_(p), r["stories"], t["count"], t["median_hours"], t["p90_hours"], a["count"],
                           a["median_hours"], a["p90_hours"], r["overdue_open"], r["responded_late"]])
    return table


def day_label(d: date) -> str:
    return format_date(d, "dd/MM" if i18n.current_locale() == "vi" else "d MMM", locale=i18n.current_locale())


def chart_of(kind: str, table: Table, title: str, desc: str) -> bytes:
    """The chart of a table: bars per day for coverage and origin, median and p90 rows for response times."""
    common: dict[str, Any] = {"title": title, "desc": desc, "empty_text": _("No data"), "number": i18n.fmt_number,
              "heading": False}  # the page's <h2> above the image is the title
    if kind == "response-times":
        categories, median, p90 = [], [], []
        for row in table.rows:
            for stage, m, q in ((_("to triage"), row[3], row[4]), (_("to response"), row[6], row[7])):
                categories.append(f"{row[0]} – {stage}")
                median.append(m)
                p90.append(q)
        return charts.hbars(categories, [(_("Median"), median), (_("90th percentile"), p90)],
                            xlabel=_("hours"), **common)
    days = [day_label(row[0]) for row in table.rows]
    series = [(name, [row[i + 1] for row in table.rows]) for i, name in enumerate(table.columns[1:-1])]
    return charts.day_bars(days, series, ylabel=_("Articles"), grey=table.grey, **common)
