"""Alerting's tables (bantin.alerts.rules / evaluate write them): the alert rules the office defines and the
alerts they fired. An alert's ``key`` is UNIQUE ("rule:3:story:812", "rule:5:spike:2026-12-01T10:20"): the
evaluation inserts with ON CONFLICT DO NOTHING, so however often it runs an event fires once.

Principle 1 (docs/principles.md): alerts describe coverage (stories, volumes, sources), never people.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from bantin.store.schema import Base
from bantin.store.types import UTCDateTime, utcnow

RULE_KINDS = ("new_primary_story", "foreign_coverage", "volume_spike", "source_quiet")

_ID = BigInteger().with_variant(Integer, "sqlite")


class AlertRule(Base):
    """What to watch: a kind, optionally narrowed to taxonomy topics (JSON list) or a saved search."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))  # one of RULE_KINDS
    topics: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of topic keys; []: every topic
    saved_search_id: Mapped[int | None] = mapped_column(ForeignKey("saved_searches.id", ondelete="SET NULL"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=180)
    last_evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertEvent(Base):
    """One fired alert, with the Vietnamese reason and the stories it is about (JSON list of ids)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rules.id", ondelete="SET NULL"), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    why: Mapped[str] = mapped_column(Text)
    count: Mapped[int | None] = mapped_column(Integer)
    expected: Mapped[float | None] = mapped_column(Float)
    story_ids: Mapped[str] = mapped_column(Text, default="[]")
    series: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_alerts_fired_at", "fired_at"),)
