"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.processors import str_to_datetime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC; SQLite (which keeps no zone) gets them back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: bantin stores only timezone-aware times")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None] | None:
        """On SQLite one function per value: the dialect's own parse (``datetime.fromisoformat`` of the stored
        text) and the zone, instead of its parser and then :meth:`process_result_value` through the
        decorator's wrapper (every listed story has five of these)."""
        utc = UTC
        if self.impl_instance.dialect_impl(dialect).result_processor(dialect, coltype) is not str_to_datetime:
            # PostgreSQL's driver gives datetimes, in UTC itself on bantin's connections (store/db.py)
            def aware(value: datetime | None) -> datetime | None:
                if value is None or value.tzinfo is utc:
                    return value
                return value.replace(tzinfo=utc) if value.tzinfo is None else value.astimezone(utc)

            return aware
        parse = datetime.fromisoformat

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            try:  # the stored text is naive UTC: parsed with its zone at once (a replace() costs ~5x the parse)
                return parse(value + "+00:00")  # gives datetime.UTC itself for a zero offset
            except ValueError:  # text that has a zone of its own (no bantin write stores one)
                pass
            parsed = parse(value)
            return parsed.replace(tzinfo=utc) if parsed.tzinfo is None else parsed.astimezone(utc)

        return process

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
