"""The digest as plain data (no ORM rows): what every renderer reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class CoverageRow:
    """One topic's province coverage: articles on the digest's day and the daily average of the 30 before."""

    key: str | None  # the taxonomy key; None: not classified by topic
    name: str  # the topic's Vietnamese name
    today: int
    average: float  # articles per day over the BASELINE_DAYS days before the digest's day


@dataclass(frozen=True)
class StoryItem:
    """A story of the day: its origin's title and lead, how widely it was carried, and its page's link."""

    id: int
    title: str
    origin_outlet: str | None
    outlets: int  # distinct outlets that carried it
    foreign_outlets: tuple[str, ...]  # their names, for the foreign ones
    lead: tuple[str, ...]  # the origin's first sentences
    url: str  # {BANTIN_PUBLIC_URL}/stories/{id}
    topic: str | None  # the topic's Vietnamese name
    state: str  # the queue state (Vietnamese)


@dataclass(frozen=True)
class ForeignItem:
    """An article of the day about the province from a foreign outlet or in a foreign language."""

    title: str
    outlet: str | None
    country: str | None
    language: str | None  # its language's Vietnamese name
    url: str  # the story's page when it is in the queue, else the article's own address
    story_id: int | None


@dataclass(frozen=True)
class QueueNumbers:
    """The review queue when the digest was made: open stories, overdue ones, responded on the day."""

    open: int
    overdue: int
    responded: int


@dataclass(frozen=True)
class Digest:
    day: date  # the Vietnamese calendar day it covers
    province: str
    generated_at: datetime  # UTC: when the queue's numbers were taken
    topics: tuple[str, ...]  # the topics it is limited to (Vietnamese names); empty: every topic
    coverage: tuple[CoverageRow, ...]  # most covered first
    total_today: int
    total_average: float
    stories: tuple[StoryItem, ...]
    foreign: tuple[ForeignItem, ...]
    queue: QueueNumbers
    public_url: str  # BANTIN_PUBLIC_URL without its final "/" ("" when unset: links are relative)
    baseline_days: int = 30
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. that the links are relative
