"""Re-fetching tracked originals: ``check_due`` (the scheduled job, a bounded batch per run), ``check_now``
(an officer's "check now") and ``run_tracking`` (what ``bantin serve`` calls every few minutes).

A check compares the normalised text hash with the last one seen and records a ``tracking_checks`` row:
``unchanged``, ``changed`` (a unified diff of the baseline against the new text), ``gone`` (404 / 410) or
``error`` (one line of reason; the schedule goes on). The tracked original's status says how it stands
against the baseline; a status change adds a story history row.

Idempotent per (tracked id, due time): a check is recorded only by the transaction that moves
``next_check_at`` off the due time it read (compare and set), so two runs, or a run after a crash, never
record one due check twice; a run that dies before committing leaves the check due (at least once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bantin.app import audit
from bantin.responses.errors import Conflict, NotFound
from bantin.responses.fetching import Fetcher, PageOutcome, default_fetcher, fetch_pages
from bantin.responses.history import add_event
from bantin.responses.schedule import interval_at, next_check
from bantin.responses.textdiff import text_hash, unified_diff
from bantin.store.office import TrackedOriginal, TrackingCheck
from bantin.store.types import utcnow

log = logging.getLogger("bantin.responses")

# Originals fetched per run: one child process fetches them all; serve's next run takes the rest.
DUE_BATCH = 20
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class CheckResult:
    tracked_id: int
    story_id: int
    check_id: int
    outcome: str  # unchanged | changed | gone | error
    status: str  # the tracked original's status after the check
    http_status: int | None
    error: str | None


@dataclass(frozen=True)
class _Due:
    id: int
    story_id: int
    url: str
    due: datetime
    started: datetime


def sessions_of(ctx_or_sessions: Any) -> sessionmaker[Session]:
    """The write sessions of an AppContext, or the sessionmaker itself."""
    return getattr(ctx_or_sessions, "sessions", ctx_or_sessions)  # type: ignore[no-any-return]


def _due_rows(sessions: sessionmaker[Session], now: datetime, limit: int) -> list[_Due]:
    T = TrackedOriginal
    with sessions() as s:
        rows = s.execute(select(T.id, T.story_id, T.url, T.next_check_at, T.created_at)
                         .where(T.active.is_(True), T.next_check_at <= now)
                         .order_by(T.next_check_at, T.id).limit(limit)).all()
    return [_Due(i, story, url, due, started) for i, story, url, due, started in rows if due is not None]


def _judge(row: TrackedOriginal, page: PageOutcome) -> tuple[str, str, str | None, str | None]:
    """(outcome, new status, new text hash, diff) of one fetch against the row's last and baseline texts."""
    if page.kind != "ok" or page.text is None:
        return page.kind, page.kind, None, None
    new_hash = text_hash(page.text)
    outcome = "unchanged" if new_hash == row.last_text_hash else "changed"
    status = "unchanged" if new_hash == text_hash(row.baseline_text) else "changed"
    diff = unified_diff(row.baseline_text, page.text) if outcome == "changed" else None
    return outcome, status, new_hash, diff or None


def _record(sessions: sessionmaker[Session], due: _Due, page: PageOutcome, now: datetime, actor: str,
            audited: bool) -> CheckResult | None:
    nxt = next_check(due.started, now)
    with sessions() as s:
        claim = s.execute(
            update(TrackedOriginal)
            .where(TrackedOriginal.id == due.id, TrackedOriginal.active.is_(True),
                   TrackedOriginal.next_check_at == due.due)
            .values(next_check_at=nxt, last_checked_at=now, active=nxt is not None,
                    interval_s=int(interval_at(due.started, now).total_seconds()))
            .execution_options(synchronize_session=False))
        if claim.rowcount != 1:  # type: ignore[attr-defined]
            s.rollback()
            return None  # another run recorded this due check, or tracking was stopped meanwhile
        row = s.get(TrackedOriginal, due.id, populate_existing=True)
        assert row is not None
        outcome, status, new_hash, diff = _judge(row, page)
        check = TrackingCheck(tracked_id=row.id, at=now, http_status=page.http_status, outcome=outcome,
                              text_hash=new_hash, diff=diff, error=page.error)
        s.add(check)
        s.flush()
        if status != row.status:
            add_event(s, row.story_id, actor, "tracking", now, event="status", tracked_id=row.id, url=row.url,
                      from_status=row.status, to_status=status, check_id=check.id)
        row.status = status
        if new_hash is not None:
            row.last_text_hash = new_hash
        if nxt is None:
            add_event(s, row.story_id, SYSTEM_ACTOR, "tracking", now, event="ended", tracked_id=row.id, url=row.url)
        if audited:
            audit.record(s, actor, "tracking.check", audit_target=f"story:{row.story_id}", tracked_id=row.id,
                         check_id=check.id, outcome=outcome)
        result = CheckResult(row.id, row.story_id, check.id, outcome, status, page.http_status, page.error)
        s.commit()
    return result


def check_due(ctx_or_sessions: Any, fetch: Fetcher, now: datetime, *, limit: int = DUE_BATCH) -> list[CheckResult]:
    """Check the originals due at ``now`` (at most ``limit``): one fetch batch, one transaction per check."""
    sessions = sessions_of(ctx_or_sessions)
    due = _due_rows(sessions, now, limit)
    if not due:
        return []
    pages = fetch_pages(fetch, [d.url for d in due])
    results = []
    for d in due:
        try:
            result = _record(sessions, d, pages[d.url], now, SYSTEM_ACTOR, audited=False)
        except Exception:  # one original's failure must not lose the others' checks; it stays due
            log.exception("tracking: recording the check of tracked original %s failed", d.id)
            continue
        if result is not None:
            results.append(result)
    return results


def check_now(ctx_or_sessions: Any, story_id: int, tracked_id: int, fetch: Fetcher, *, actor: str,
              now: datetime | None = None) -> CheckResult:
    """Check one original at once (an officer's request, audited); the schedule restarts from now."""
    now = now or utcnow()
    sessions = sessions_of(ctx_or_sessions)
    with sessions() as s:
        row = s.get(TrackedOriginal, tracked_id)
        if row is None or row.story_id != story_id:
            raise NotFound(f"không tìm thấy bản gốc theo dõi (tracked original not found): {tracked_id}")
        if not row.active or row.next_check_at is None:
            raise Conflict("đã ngừng theo dõi (tracking was stopped)")
        due = _Due(row.id, row.story_id, row.url, row.next_check_at, row.created_at)
    page = fetch_pages(fetch, [due.url])[due.url]
    result = _record(sessions, due, page, now, actor, audited=True)
    if result is None:
        raise Conflict("bản gốc vừa được kiểm tra (checked meanwhile; reload and try again)")
    return result


def run_tracking(app_ctx: Any, now: datetime | None = None) -> list[CheckResult]:
    """The job ``bantin serve`` runs every few minutes: one due batch with the production fetcher."""
    results = check_due(app_ctx, default_fetcher(app_ctx.settings), now or utcnow())
    if results:
        counts: dict[str, int] = {}
        for r in results:
            counts[r.outcome] = counts.get(r.outcome, 0) + 1
        log.info("tracking: %d checks %s", len(results), counts)
    return results
