"""The queue page's filters: read from the query string, checked by the API's own parsing
(``api.story_params.parse_filters``, the same values and bounds as GET /api/v1/stories), and echoed back
into the form and the links (counts, next page) so that nothing the officer chose is lost.

A value that does not pass is left out with a one-line message; the other filters still apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import QueryParams

from bantin.api.listing.pagination import DEFAULT_LIMIT, MAX_CURSOR_CHARS, MAX_LIMIT, decode_cursor
from bantin.api.listing.story_params import MAX_FILTER_VALUES, parse_filters
from bantin.api.roles import Principal
from bantin.api.schemas.stories import MAX_ID, IntId, Priority, Relevance, State
from bantin.queue.listing import DATE_FIELDS, StoryFilters
from bantin.web import i18n

# The multi-valued filters and the type the API checks each value against.
LISTS: dict[str, Any] = {"state": State, "priority": Priority, "topic": str, "relevance": Relevance,
                         "source_id": IntId, "language": str}
# Longest raw value read from the query string (dates, owner, cursor are shorter; the API's bounds apply after).
MAX_RAW_CHARS = MAX_CURSOR_CHARS
_ADAPTERS = {name: TypeAdapter(t) for name, t in LISTS.items()}
_DATE = TypeAdapter(date)


@dataclass
class QueueQuery:
    """What the officer asked for: the parsed filters, the raw values to echo, the messages."""

    filters: StoryFilters
    values: dict[str, Any]
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    errors: list[str] = field(default_factory=list)

    def link(self, **overrides: Any) -> str:
        """``/?…`` with these filters (a value None drops the key); never the cursor unless given."""
        merged = {**self.values, "limit": self.limit if self.limit != DEFAULT_LIMIT else None, **overrides}
        pairs = [(k, v) for k, v in merged.items() if v not in (None, "", [], False)]
        return "/" + ("?" + urlencode([(k, "1" if v is True else v) for k, v in pairs], doseq=True) if pairs else "")

    @property
    def filtered(self) -> bool:
        return bool(self.filters.for_audit())


def _label(name: str) -> str:
    labels = {"state": i18n._("State"), "owner": i18n._("Owner"), "priority": i18n._("Priority"),
              "topic": i18n._("Topic"), "relevance": i18n._("Relevance"), "source_id": i18n._("Outlet"),
              "language": i18n._("Language"), "from": i18n._("From"), "to": i18n._("To"),
              "limit": i18n._("Rows per page"), "cursor": i18n._("Next page"),
              "date_field": i18n._("Dates apply to")}
    return labels.get(name, name)


def _refused(name: str, value: object) -> str:
    return i18n._("The filter “%(field)s” was not understood and was left out: %(value)s",
                  field=_label(name), value=str(value)[:60])


def _day_start(day: date) -> datetime:
    """Midnight of a Vietnam day (the office's calendar), as an aware time."""
    return datetime.combine(day, time(0), tzinfo=i18n.VN_TZ)


def _check(me: Principal, **one: Any) -> None:
    """The API's checks on one filter (HTTPException 422 when refused)."""
    args: dict[str, Any] = {"state": None, "owner": None, "priority": None, "topic": None, "relevance": None,
                            "source_id": None, "language": None, "date_from": None, "date_to": None,
                            "date_field": "latest_published_at", "overdue": False}
    parse_filters(me, **{**args, **one})


def parse_query(me: Principal, qp: QueryParams) -> QueueQuery:
    errors: list[str] = []
    values: dict[str, Any] = {}
    parsed: dict[str, Any] = {}
    for name, adapter in _ADAPTERS.items():
        raw = [v for v in qp.getlist(name) if v.strip()]
        try:
            if len(raw) > MAX_FILTER_VALUES or any(len(v) > MAX_RAW_CHARS for v in raw):
                raise ValueError
            typed = [adapter.validate_python(v.strip()) for v in raw]
            _check(me, **{name: typed or None})
        except (ValidationError, ValueError, HTTPException):
            errors.append(_refused(name, ", ".join(raw)))
            continue
        values[name], parsed[name] = [v.strip() for v in raw], typed or None
    owner = (qp.get("owner") or "").strip()
    if owner:
        try:
            _check(me, owner=owner)
            values["owner"], parsed["owner"] = owner, owner
        except HTTPException:
            errors.append(_refused("owner", owner))
    for name, key, shift in (("from", "date_from", 0), ("to", "date_to", 1)):
        raw_day = (qp.get(name) or "").strip()
        if raw_day:
            try:
                day = _DATE.validate_python(raw_day[:MAX_RAW_CHARS])
                parsed[key] = _day_start(day + timedelta(days=shift))  # "to" includes its whole day
                _check(me, **{key: parsed[key]})
                values[name] = day.isoformat()
            except (ValidationError, OverflowError, HTTPException):
                parsed.pop(key, None)
                errors.append(_refused(name, raw_day))
    date_field = qp.get("date_field") or DATE_FIELDS[0]
    if date_field not in DATE_FIELDS:
        errors.append(_refused("date_field", date_field))
        date_field = DATE_FIELDS[0]
    if date_field != DATE_FIELDS[0]:
        values["date_field"] = date_field
    overdue = (qp.get("overdue") or "") in ("1", "true", "on")
    values["overdue"] = overdue
    filters = parse_filters(me, parsed.get("state"), parsed.get("owner"), parsed.get("priority"), parsed.get("topic"),
                            parsed.get("relevance"), parsed.get("source_id"), parsed.get("language"),
                            parsed.get("date_from"), parsed.get("date_to"), date_field, overdue)
    query = QueueQuery(filters=filters, values=values, errors=errors)
    _paging(query, qp)
    return query


def _paging(query: QueueQuery, qp: QueryParams) -> None:
    """``limit`` (1..MAX_LIMIT, as the API) and ``cursor`` (the API's keyset cursor: ids below it)."""
    raw_limit = (qp.get("limit") or "").strip()
    if raw_limit:
        if raw_limit.isascii() and raw_limit.isdigit() and 1 <= int(raw_limit[:6]) <= MAX_LIMIT:
            query.limit = int(raw_limit)
        else:
            query.errors.append(_refused("limit", raw_limit))
    cursor = (qp.get("cursor") or "").strip()
    if cursor:
        try:
            key = decode_cursor(cursor[:MAX_RAW_CHARS + 1], 1) if len(cursor) <= MAX_CURSOR_CHARS else None
            if key is None or type(key[0]) is not int or not 1 <= key[0] <= MAX_ID:
                raise HTTPException(422)
            query.filters = replace(query.filters, before_id=key[0])
            query.cursor = cursor
        except HTTPException:
            query.errors.append(i18n._("The page link was not valid; showing the first page."))
