"""Report responses: rows of data the web UI draws (days are Vietnamese calendar days)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class _Range(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    frm: date = Field(serialization_alias="from")
    to: date


class CoverageRow(BaseModel):
    day: date
    key: str | None
    count: int


class CoveragePublic(_Range):
    by: str
    relevance: str
    rows: list[CoverageRow]


class OriginRow(BaseModel):
    day: date
    domestic: int
    foreign: int
    unknown: int


class DomesticForeignPublic(_Range):
    relevance: str
    rule: str
    rows: list[OriginRow]


class Durations(BaseModel):
    count: int
    median_hours: float | None
    p90_hours: float | None


class PriorityTimes(BaseModel):
    priority: str
    stories: int
    to_triage: Durations
    to_response: Durations
    overdue_open: int
    responded_late: int


class ResponseTimesPublic(_Range):
    rows: list[PriorityTimes]
