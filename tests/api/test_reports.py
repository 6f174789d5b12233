"""The report routes: coverage per day, domestic against foreign, response times (viewer, read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bantin.store.office import Story, StoryEvent
from tests.api.conftest import Api
from tests.reports.seed import article, source

LATE = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 00:30 on 2 March in Vietnam
EARLY = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # 16:00 on 1 March


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One seeded app per database for the module: the tests only read."""
    from tests.api.conftest import make_api
    from tests.dbfixtures import make_db_url

    tmp = tmp_path_factory.mktemp(f"reports-{request.param}")
    db = make_db_url(request.param, tmp)
    a = make_api(next(db), tmp)
    with a.ctx.sessions() as s:
        vn = source(s, "Báo Nghệ An", "VN", "vi")
        intl = source(s, "BBC Tiếng Việt", "GB", "vi")
        article(s, 1, EARLY, source_id=vn, topic="tourism")
        article(s, 2, LATE, source_id=vn, topic="tourism")
        article(s, 3, LATE, source_id=intl, topic="disaster", relevance="mention")
        article(s, 4, LATE, source_id=intl, topic="disaster", relevance="none")
        st = Story(title="Sạt lở ở Kỳ Sơn", state="responded", priority="urgent", entered_by="relevance:primary",
                   created_at=EARLY, updated_at=EARLY, due_at=EARLY + timedelta(hours=4))
        s.add(st)
        s.flush()
        s.add_all([StoryEvent(story_id=st.id, at=EARLY + timedelta(hours=1), actor="user:reviewer", action="state",
                              from_state="new", to_state="triaged"),
                   StoryEvent(story_id=st.id, at=EARLY + timedelta(hours=3), actor="user:reviewer", action="state",
                              from_state="triaged", to_state="responded")])
        s.commit()
    yield a
    a.ctx.engine.dispose()
    db.close()


def _get(api: Api, path: str, **params: str) -> dict:  # type: ignore[type-arg]
    r = api.client.get(f"/api/v1/reports/{path}", params=params, headers=api.headers("viewer"))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_coverage_by_topic_counts_province_articles_per_vietnamese_day(api: Api) -> None:
    body = _get(api, "coverage", by="topic", **{"from": "2026-03-01", "to": "2026-03-02"})
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-02" and body["relevance"] == "province"
    assert body["rows"] == [{"day": "2026-03-01", "key": "tourism", "count": 1},
                            {"day": "2026-03-02", "key": "disaster", "count": 1},
                            {"day": "2026-03-02", "key": "tourism", "count": 1}]


def test_coverage_by_outlet_with_every_article(api: Api) -> None:
    body = _get(api, "coverage", by="outlet", relevance="all", **{"from": "2026-03-02", "to": "2026-03-02"})
    assert body["rows"] == [{"day": "2026-03-02", "key": "BBC Tiếng Việt", "count": 2},
                            {"day": "2026-03-02", "key": "Báo Nghệ An", "count": 1}]


def test_domestic_foreign_per_day_states_its_rule(api: Api) -> None:
    body = _get(api, "domestic-foreign", **{"from": "2026-03-01", "to": "2026-03-02"})
    assert body["rows"] == [{"day": "2026-03-01", "domestic": 1, "foreign": 0, "unknown": 0},
                            {"day": "2026-03-02", "domestic": 1, "foreign": 1, "unknown": 0}]
    assert "country" in body["rule"] and "VN" in body["rule"]


def test_response_times_per_priority(api: Api) -> None:
    body = _get(api, "response-times", **{"from": "2026-03-01", "to": "2026-03-01"})
    urgent = next(r for r in body["rows"] if r["priority"] == "urgent")
    assert urgent["stories"] == 1 and urgent["overdue_open"] == 0 and urgent["responded_late"] == 0
    assert urgent["to_triage"] == {"count": 1, "median_hours": 1.0, "p90_hours": 1.0}
    assert urgent["to_response"] == {"count": 1, "median_hours": 3.0, "p90_hours": 3.0}


def test_default_range_is_the_last_30_days(api: Api) -> None:
    body = _get(api, "coverage")
    from datetime import date

    assert (date.fromisoformat(body["to"]) - date.fromisoformat(body["from"])).days == 29


def test_reports_refuse_long_or_reversed_ranges_and_anonymous_callers(api: Api) -> None:
    h = api.headers("viewer")
    long = api.client.get("/api/v1/reports/coverage", params={"from": "2025-01-01", "to": "2026-03-01"}, headers=h)
    assert long.status_code == 422 and "366" in long.json()["detail"]
    rev = api.client.get("/api/v1/reports/domestic-foreign", params={"from": "2026-03-02", "to": "2026-03-01"},
                         headers=h)
    assert rev.status_code == 422 and "before from" in rev.json()["detail"]
    assert api.client.get("/api/v1/reports/coverage", params={"by": "person"}, headers=h).status_code == 422
    for days in ({"from": "0001-01-01", "to": "0001-01-02"}, {"from": "9999-12-30", "to": "9999-12-31"}):
        r = api.client.get("/api/v1/reports/response-times", params=days, headers=h)
        assert r.status_code == 422 and "days must lie between" in r.json()["detail"]
    assert api.client.get("/api/v1/reports/response-times").status_code == 401
