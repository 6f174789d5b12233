"""A day of the province's news (20/11/2026 in Vietnam) stored through the production path: the bridge
carried by three outlets (one of them foreign), the flood by two, an unrelated story; a month of earlier
coverage for the baseline; one story responded on the day."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bantin.app.context import AppContext
from bantin.queue.actions import StoryChange, apply_change
from bantin.store.office import Story, User
from tests.queue.newsroom import BRIDGE, FLOOD, INDUSTRY, RATES, T0, Newsroom, syndicated
from tests.reports.seed import article

DAY = date(2026, 11, 20)  # T0 is 08:00 on 20/11 in Vietnam; every copy below is published that day
# past every new story's due time (stories are admitted now, normal priority: due in 72 h): open ones are overdue
NOW = datetime.now(UTC) + timedelta(days=10)
PUBLIC_URL = "https://bantin.example.gov.vn"
BRIDGE_TITLE = "Nghệ An khánh thành cầu Hưng Đức"
FLOOD_TITLE = "Lũ quét cuốn trôi nhà ở xã Mường Típ"


@dataclass
class Newsday:
    app: AppContext
    bridge: int  # story ids
    flood: int
    settings: SimpleNamespace


@pytest.fixture
def app(migrated_db_url: str, tmp_path: Path) -> Iterator[AppContext]:
    from bantin.app.context import open_app
    from bantin.app.settings import Settings

    empty = tmp_path / "no-sources.toml"
    empty.write_text("")
    ctx = open_app(Settings(database_url=migrated_db_url, data_dir=tmp_path / "data", sources_file=empty))
    yield ctx
    ctx.engine.dispose()


def _story_of(app: AppContext, title: str) -> int:
    with app.sessions() as s:
        sid = s.scalar(select(Story.id).where(Story.title == title))
    assert sid is not None, title
    return sid


@pytest.fixture
def newsday(app: AppContext) -> Newsday:
    news = Newsroom(app)
    news.publish("Báo Thử", "cau", BRIDGE_TITLE, BRIDGE)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.publish("Báo Khác", "lu", FLOOD_TITLE, FLOOD, T0 + timedelta(hours=1))
    news.classify()
    news.publish("Foreign Daily", "bridge", "Cầu mới ở miền Trung", syndicated(BRIDGE), T0 + timedelta(hours=3))
    news.publish("Báo Khác", "cau-hung-duc", "Thông xe cầu Hưng Đức", syndicated(BRIDGE, "Nguồn: Báo Thử"),
                 T0 + timedelta(hours=2))
    news.publish("Báo Thử", "lu-ky-son", "Lũ quét ở Kỳ Sơn", syndicated(FLOOD, "Theo Báo Khác"),
                 T0 + timedelta(hours=4))
    news.publish("Báo Khác", "khu-cong-nghiep", "VSIP mở thêm năm khu công nghiệp", INDUSTRY, T0 + timedelta(hours=5))
    news.classify()
    with app.sessions() as s:  # the baseline: earlier province coverage, written straight to the tables
        for n in range(3):
            article(s, 900 + n, T0 - timedelta(days=5), topic="infrastructure")
        for n in range(6):
            article(s, 910 + n, T0 - timedelta(days=12), topic="environment")
        article(s, 920, T0 - timedelta(days=31), topic="environment")  # before the baseline's month
        article(s, 921, T0 - timedelta(days=20), topic="sports")  # 1/30 a day, nothing on the day: not listed
        officer = User(name="lan", role="reviewer")
        s.add(officer)
        s.commit()
        officer_id = officer.id
    flood = _story_of(app, FLOOD_TITLE)
    with app.sessions() as s:  # the flood story answered during the day (16:00 in Vietnam)
        answered = T0 + timedelta(hours=8)
        apply_change(s, flood, StoryChange(None, state="assigned", owner_id=officer_id), "user:lan", answered)
        apply_change(s, flood, StoryChange(None, state="responding"), "user:lan", answered)
        apply_change(s, flood, StoryChange(None, state="responded"), "user:lan", answered)
        s.commit()
    settings = SimpleNamespace(province="Nghệ An", public_url=PUBLIC_URL + "/")
    return Newsday(app, _story_of(app, BRIDGE_TITLE), flood, settings)
