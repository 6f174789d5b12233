"""The schedule and the job's guarantees, with a fetcher answering from memory (no network): every 6 h for
14 days then daily, ended after 90 days; one check per due time however many runs; a run that dies leaves
its checks due; stopped originals are not checked."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bantin.responses.checks import check_due, check_now
from bantin.responses.errors import Conflict
from bantin.responses.schedule import EARLY_INTERVAL, EARLY_PERIOD, LATE_INTERVAL, STOP_AFTER
from bantin.responses.tracking import list_tracking, start_tracking, stop_tracking
from bantin.store.office import StoryEvent, TrackedOriginal, TrackingCheck
from bantin.store.schema import AuditEvent
from bantin.store.types import utcnow
from tests.responses.support import article_page, fake_fetch, make_story, store_article

URL = "http://bao.example.test/bai/tin-1.html"
T0 = utcnow().replace(microsecond=0)


@pytest.fixture
def tracked(ctx: Any) -> tuple[int, int, dict[str, tuple[int, bytes]]]:
    body, _ = article_page(0, URL)
    story = make_story(ctx, store_article(ctx, URL, body))
    tid = start_tracking(ctx, story, actor="user:reviewer", now=T0)  # the origin article
    return story, tid, {URL: (200, body)}


def _row(ctx: Any, tid: int) -> TrackedOriginal:
    with ctx.sessions() as s:
        row = s.get(TrackedOriginal, tid)
        assert row is not None
        s.expunge(row)
        return row


def _checks(ctx: Any) -> int:
    with ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(TrackingCheck)) or 0)


def test_the_origin_article_is_checked_at_once_then_every_6_hours(ctx: Any, tracked: Any) -> None:
    story, tid, pages = tracked
    row = _row(ctx, tid)
    assert row.url == URL and row.article_id is not None and row.next_check_at == T0
    [first] = check_due(ctx, fake_fetch(pages), T0)
    assert (first.outcome, first.status) == ("unchanged", "unchanged")
    assert _row(ctx, tid).next_check_at == T0 + EARLY_INTERVAL
    assert check_due(ctx, fake_fetch(pages), T0 + EARLY_INTERVAL - timedelta(seconds=1)) == []


def test_after_two_weeks_daily_and_after_three_months_tracking_ends(ctx: Any, tracked: Any) -> None:
    story, tid, pages = tracked
    late = T0 + EARLY_PERIOD + timedelta(hours=1)
    check_due(ctx, fake_fetch(pages), late)
    row = _row(ctx, tid)
    assert row.next_check_at == late + LATE_INTERVAL and row.interval_s == LATE_INTERVAL.total_seconds()
    end = T0 + STOP_AFTER + timedelta(hours=1)
    [last] = check_due(ctx, fake_fetch(pages), end)  # an overdue check still runs once before the end
    assert last.outcome == "unchanged"
    row = _row(ctx, tid)
    assert not row.active and row.next_check_at is None
    assert check_due(ctx, fake_fetch(pages), end + timedelta(days=30)) == []
    with ctx.sessions() as s:
        events = [json.loads(d) for d in s.scalars(select(StoryEvent.detail).where(StoryEvent.story_id == story))]
    assert [e["event"] for e in events if e.get("tracked_id") == tid][-1] == "ended"


def test_two_runs_for_one_due_time_record_one_check(ctx: Any, tracked: Any) -> None:
    story, tid, pages = tracked
    plain = fake_fetch(pages)
    inner: list[Any] = []

    def racing_fetch(urls: list[str]) -> Any:  # a second job runs while the first is still fetching
        inner.extend(check_due(ctx, plain, T0))
        return plain(urls)

    outer = check_due(ctx, racing_fetch, T0)
    assert len(inner) == 1 and outer == [] and _checks(ctx) == 1


def test_a_run_that_dies_while_fetching_leaves_the_check_due(ctx: Any, tracked: Any) -> None:
    story, tid, pages = tracked

    def dying_fetch(urls: list[str]) -> Any:
        raise SystemExit("killed")

    with pytest.raises(SystemExit):
        check_due(ctx, dying_fetch, T0)
    assert _checks(ctx) == 0 and _row(ctx, tid).next_check_at == T0
    assert [r.outcome for r in check_due(ctx, fake_fetch(pages), T0 + timedelta(minutes=5))] == ["unchanged"]


def test_a_failed_fetch_batch_is_an_error_check_and_the_schedule_goes_on(ctx: Any, tracked: Any) -> None:
    story, tid, pages = tracked

    def broken_fetch(urls: list[str]) -> Any:
        raise RuntimeError("fetch child failed (1): Traceback\nboom")

    [r] = check_due(ctx, broken_fetch, T0)
    assert r.outcome == "error" and r.error is not None and "RuntimeError" in r.error and "\n" not in r.error
    assert _row(ctx, tid).next_check_at == T0 + EARLY_INTERVAL and _row(ctx, tid).active


def test_a_stopped_original_is_not_checked_and_keeps_its_checks(ctx: Any, tracked: Any) -> None:
    story, tid, pages = tracked
    check_due(ctx, fake_fetch(pages), T0)
    with ctx.sessions() as s:
        stop_tracking(s, story, tid, actor="user:reviewer")
        stop_tracking(s, story, tid, actor="user:reviewer")  # twice: one history row, one audit row
        s.commit()
    assert check_due(ctx, fake_fetch(pages), T0 + timedelta(days=1)) == []
    with pytest.raises(Conflict):
        check_now(ctx, story, tid, fake_fetch(pages), actor="user:reviewer")
    with ctx.sessions() as s:
        [(row, checks)] = list_tracking(s, story)
        assert not row.active and [c.outcome for c in checks] == ["unchanged"]
        stops = s.scalars(select(AuditEvent).where(AuditEvent.action == "tracking.stop")).all()
        assert len(stops) == 1 and stops[0].target == f"story:{story}"
        details = [json.loads(d) for d in s.scalars(select(StoryEvent.detail).where(StoryEvent.action == "tracking"))]
        assert [d["event"] for d in details].count("stopped") == 1


def test_check_now_is_audited_and_restarts_the_schedule(ctx: Any, tracked: Any) -> None:
    story, tid, pages = tracked
    now = T0 + timedelta(hours=2)
    result = check_now(ctx, story, tid, fake_fetch(pages), actor="user:reviewer", now=now)
    assert result.outcome == "unchanged" and _row(ctx, tid).next_check_at == now + EARLY_INTERVAL
    with ctx.sessions() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "tracking.check")).one()
    assert audit.actor == "user:reviewer" and json.loads(audit.detail or "{}")["check_id"] == result.check_id


def test_starting_the_same_original_twice_is_refused(ctx: Any, tracked: Any) -> None:
    story, tid, pages = tracked
    with pytest.raises(Conflict):
        start_tracking(ctx, story, actor="user:reviewer", url=URL)


def test_run_tracking_checks_what_is_due_with_the_production_fetcher(ctx: Any, tracked: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from bantin.responses import checks

    story, tid, pages = tracked
    made: list[Any] = []

    def fetcher_for(settings: Any, overrides: Any = None) -> Any:
        made.append(settings)
        return fake_fetch(pages)

    monkeypatch.setattr(checks, "default_fetcher", fetcher_for)
    [result] = checks.run_tracking(ctx, now=T0)
    assert (result.tracked_id, result.outcome) == (tid, "unchanged") and made == [ctx.settings]
    assert checks.run_tracking(ctx, now=T0) == []  # done for this due time
