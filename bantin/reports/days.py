"""Calendar days in Vietnam, in SQL: the bucket of a UTC timestamp, and the UTC bounds of a day range.

A report day is the Asia/Ho_Chi_Minh calendar day: an article published at 17:30 UTC on 1 March belongs to
2 March. PostgreSQL converts with the zone database (``AT TIME ZONE``); SQLite has no zone database, so it
adds the zone's fixed offset (Vietnam has kept UTC+7 without daylight saving since 1975;
``check_fixed_offset`` verifies that for every range a report is asked for).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, cast, func, literal_column
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Asia/Ho_Chi_Minh's UTC offset since 1975 (no daylight saving): what SQLite adds to bucket by day.
VN_OFFSET_HOURS = 7
# The first day of the fixed UTC+7 era (tzdata: Asia/Ho_Chi_Minh was UTC+8 until 13 June 1975).
MIN_DAY = date(1975, 6, 13)
# The last day whose following midnight (a range's end) a datetime can still hold.
MAX_DAY = date(9998, 12, 31)
# A report covers at most a year (a leap year's 366 days): one query, at most a few thousand rows out.
MAX_RANGE_DAYS = 366


class RangeError(ValueError):
    """A day range a report refuses (reversed, too long, or outside the fixed-offset era)."""


def day_range(frm: date, to: date) -> tuple[datetime, datetime]:
    """The UTC half-open interval [start, end) covering the Vietnamese calendar days frm..to inclusive."""
    if to < frm:
        raise RangeError("ngày kết thúc trước ngày bắt đầu (to is before from)")
    if (to - frm).days + 1 > MAX_RANGE_DAYS:
        raise RangeError(f"khoảng ngày quá dài, tối đa {MAX_RANGE_DAYS} ngày (range longer than {MAX_RANGE_DAYS} days)")
    return day_bounds(frm, to)


def day_bounds(frm: date, to: date) -> tuple[datetime, datetime]:
    """:func:`day_range` without the length bound (exports are bounded by rows instead)."""
    if to < frm:
        raise RangeError("ngày kết thúc trước ngày bắt đầu (to is before from)")
    if frm < MIN_DAY or to > MAX_DAY:
        raise RangeError(f"ngày phải từ {MIN_DAY} đến {MAX_DAY} (days must lie between {MIN_DAY} and {MAX_DAY})")
    start = datetime.combine(frm, time(), VN_TZ)
    end = datetime.combine(to + timedelta(days=1), time(), VN_TZ)
    check_fixed_offset(start, end)
    return start.astimezone(UTC), end.astimezone(UTC)


def check_fixed_offset(start: datetime, end: datetime) -> None:
    """Refuse a range where the zone's offset is not VN_OFFSET_HOURS (SQLite's bucketing would be wrong)."""
    for moment in (start, end):
        offset = moment.astimezone(VN_TZ).utcoffset()
        if offset != timedelta(hours=VN_OFFSET_HOURS):
            raise RangeError(f"ngày trước {MIN_DAY} không được hỗ trợ (days before {MIN_DAY} are not supported)")


def vn_day(session: Session, column: Any) -> ColumnElement[Any]:
    """SQL for the Vietnamese calendar day of a UTC timestamp column, as a DATE (PG) or 'YYYY-MM-DD' (SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(literal_column("'Asia/Ho_Chi_Minh'"), column), Date)
    return func.date(column, literal_column(f"'+{VN_OFFSET_HOURS} hours'"))


def as_date(value: Any) -> date:
    """A day bucket as the database returned it (a date on PostgreSQL, a string on SQLite)."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
