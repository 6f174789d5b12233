"""Two crawlers admitting the same cluster at once (PostgreSQL: SQLite serialises writers): one story."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bantin.app.context import AppContext
from bantin.queue.admission import admit
from bantin.store.office import Story, StoryEvent
from bantin.store.schema import Article
from tests.queue.newsroom import BRIDGE, Newsroom


def test_concurrent_admissions_make_one_story(app: AppContext, news: Newsroom) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes the write lock at BEGIN: two admissions never overlap")
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.classify()
    with app.sessions() as s:  # as if the story had not been admitted yet
        s.execute(StoryEvent.__table__.delete())
        s.execute(Story.__table__.delete())
        s.commit()
        ids = list(s.scalars(select(Article.id)))
    first_in, errors = threading.Event(), []
    a = app.sessions()
    admit(a, ids)  # A has inserted, not committed

    def other() -> None:
        try:
            with app.sessions() as b:
                first_in.set()
                admit(b, ids)  # waits on A's unique key, then finds A's story
                b.commit()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=other)
    t.start()
    first_in.wait(5)
    t.join(1.0)  # B is blocked on A's row
    a.commit()
    a.close()
    t.join(30)
    assert errors == []
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Story)) == 1
        assert s.scalar(select(func.count()).select_from(StoryEvent)) == 1
