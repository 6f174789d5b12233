"""Reports as data (viewer): coverage per day, domestic against foreign outlets, response times.

Aggregates only (counts and durations, no rows of the queue), so they are not audited reads; days are
Vietnamese calendar days, ranges at most ``bantin.reports.MAX_RANGE_DAYS``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from bantin import reports
from bantin.api.deps import ReadSessionDep
from bantin.api.roles import requires
from bantin.api.schemas.reports import CoveragePublic, DomesticForeignPublic, ResponseTimesPublic
from bantin.reports.days import VN_TZ

router = APIRouter(prefix="/reports", tags=["reports"])

# what a report shows when no range is asked for: the last 30 days, today included
DEFAULT_DAYS = 30
DOMESTIC_RULE = ("domestic: outlet country VN, or no country and Vietnamese language; foreign: a country other "
                 "than VN; unknown: the rest (trong nước: quốc gia VN, hoặc không rõ quốc gia và tiếng Việt)")

FromQ = Annotated[date | None, Query(alias="from", description="first Vietnamese calendar day (default: 30 days ago)")]
ToQ = Annotated[date | None, Query(description="last Vietnamese calendar day, included (default: today)")]
RelevanceQ = Annotated[Literal["province", "primary", "all"],
                       Query(description="province: primary or mention (default); primary; all articles")]


def _range(frm: date | None, to: date | None) -> tuple[date, date]:
    to = to or datetime.now(VN_TZ).date()
    frm = frm or to - timedelta(days=DEFAULT_DAYS - 1)
    try:
        reports.day_range(frm, to)
    except reports.RangeError as exc:
        raise HTTPException(422, str(exc)) from None
    return frm, to


@router.get("/coverage", response_model=CoveragePublic, dependencies=[requires("viewer")])
def coverage(s: ReadSessionDep, by: Literal["topic", "outlet", "language"] = "topic", frm: FromQ = None,
             to: ToQ = None, relevance: RelevanceQ = "province") -> CoveragePublic:
    frm, to = _range(frm, to)
    rows = reports.coverage(s, frm, to, by=by, relevance=relevance)
    return CoveragePublic.model_validate({"frm": frm, "to": to, "by": by, "relevance": relevance, "rows": rows})


@router.get("/domestic-foreign", response_model=DomesticForeignPublic, dependencies=[requires("viewer")])
def domestic_foreign(s: ReadSessionDep, frm: FromQ = None, to: ToQ = None,
                     relevance: RelevanceQ = "province") -> DomesticForeignPublic:
    frm, to = _range(frm, to)
    rows = reports.domestic_foreign(s, frm, to, relevance=relevance)
    return DomesticForeignPublic.model_validate({"frm": frm, "to": to, "relevance": relevance,
                                                 "rule": DOMESTIC_RULE, "rows": rows})


@router.get("/response-times", response_model=ResponseTimesPublic, dependencies=[requires("viewer")])
def response_times(s: ReadSessionDep, frm: FromQ = None, to: ToQ = None) -> ResponseTimesPublic:
    frm, to = _range(frm, to)
    rows = reports.response_times(s, frm, to)
    return ResponseTimesPublic.model_validate({"frm": frm, "to": to, "rows": rows})
