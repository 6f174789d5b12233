"""The queue's list rows (Core rows of the list's columns, unpacked by position) say what each story's own
view says: the same JSON for every story, odd stored lists included, and times read back in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic_core import to_json
from sqlalchemy import select

from bantin.api.listing.story_views import LIST_COLUMNS, story_fields, story_row_fields
from bantin.app.context import AppContext
from bantin.store.office import Story
from bantin.store.types import UTCDateTime

NOW = datetime(2026, 12, 1, 8, 0, 0, 250000, tzinfo=UTC)
ODD_LISTS = ('["Báo Nghệ An", "BBC Tiếng Việt"]', "[]", "", "not json", '{"a": 1}', '["vi", 3]', '["vi"]')


@pytest.fixture
def stories(app: AppContext) -> list[int]:
    with app.sessions() as s:
        rows = [Story(title=f"Tin {n}", state=("new", "responded", "assigned")[n % 3], priority="normal",
                      entered_by="relevance:primary", outlets=raw, languages=ODD_LISTS[-1 - n],
                      created_at=NOW - timedelta(days=n), updated_at=NOW,
                      due_at=None if n % 2 else NOW - timedelta(hours=n, microseconds=7),
                      first_published_at=None if n == 3 else NOW - timedelta(days=n, seconds=1))
                for n, raw in enumerate(ODD_LISTS)]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]


def test_every_listed_story_serialises_as_its_own_view_does(app: AppContext, stories: list[int]) -> None:
    with app.read_sessions() as r:
        core = {row.id: row for row in r.connection().execute(select(*LIST_COLUMNS).order_by(Story.id))}
        for story in r.scalars(select(Story).order_by(Story.id)):
            listed = story_row_fields(core[story.id], NOW)
            assert list(listed) == list(story_fields(story, NOW))
            assert to_json(listed) == to_json(story_fields(story, NOW))


def test_times_come_back_aware_in_utc_with_their_microseconds(app: AppContext, stories: list[int]) -> None:
    with app.read_sessions() as r:
        row = r.connection().execute(select(*LIST_COLUMNS).where(Story.id == stories[0])).one()
    assert row.due_at == NOW - timedelta(microseconds=7) and row.due_at.tzinfo is UTC
    assert row.first_published_at == NOW - timedelta(seconds=1)
    assert row.created_at.utcoffset() == timedelta(0)


def test_sqlite_text_is_read_as_the_decorator_itself_would(app: AppContext) -> None:
    if app.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's driver gives datetimes: the decorator's own path")
    column, dialect = UTCDateTime(), app.engine.dialect
    process = column.result_processor(dialect, None)
    assert process is not None and process(None) is None
    for stored in (NOW.replace(tzinfo=None), datetime(2001, 2, 3, 4, 5, 6)):
        assert process(str(stored)) == column.process_result_value(stored, dialect)
        assert process(str(stored)).tzinfo is UTC


def test_sqlite_text_with_a_zone_of_its_own_is_converted_to_utc(app: AppContext) -> None:
    if app.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's driver gives datetimes")
    process = UTCDateTime().result_processor(app.engine.dialect, None)
    assert process is not None
    assert process("2026-12-01 15:00:00.250000+07:00") == NOW
    assert process("2026-12-01 08:00:00.250000") == NOW and process("2026-12-01 08:00:00.250000").tzinfo is UTC
    assert process("2026-12-01 08:00:00") == NOW.replace(microsecond=0)
