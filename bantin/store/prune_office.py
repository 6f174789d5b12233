"""Retention of the office's data (docs/principles.md, principle 3), run by :class:`bantin.store.prune.Pruner`
in its bounded batches (a dry run counts the same rows, each once). The rules:

- **Browser sessions** (``web_sessions``) whose ``expires_at`` has passed are deleted: they are refused at
  once anyway (``accounts.sessions.resolve_session``), so keeping them only keeps their hashes.
- **Tracking checks** (``tracking_checks``) older than ``BANTIN_RETENTION_DAYS`` (by ``at``) are deleted,
  whatever their original's state: a check's diff holds a copy of the article's text, and the article
  itself is gone by then.
- **Tracked originals** (``tracked_originals``) that are inactive (stopped by an officer, or ended by the
  schedule) and whose last check (``last_checked_at``, else ``created_at`` when never checked) is older than
  ``BANTIN_RETENTION_DAYS`` are deleted with any check left: the baseline is a copy of the article's text.
  An active one stays, however old (tracking ends by itself, ``responses.schedule.STOP_AFTER``).
- **Stories** in a closed state (``responded``, ``dismissed``) whose ``updated_at`` is older than
  ``BANTIN_RETENTION_DAYS`` and whose cluster is gone (``cluster_id`` NULL once the articles were pruned: the
  foreign key is ``ON DELETE SET NULL``) are deleted with everything that references them: history
  (``story_events``), notes, response cases, tracked originals and their checks, and any table a later
  migration links to a story. **Open stories are never deleted automatically** (new, triaged, assigned,
  responding: leaving the queue is the office's decision, docs/queue.md), nor closed ones whose coverage is
  still stored (a copy kept, or a frozen evaluation article). A reopened story is open again.
- **Outbox messages** (``outbox``) that are finished (``sent`` or ``dead``) and were queued more than
  ``BANTIN_RETENTION_DAYS`` ago are deleted: they hold the emails' bytes (the digest's text). Messages still
  waiting (queued, sending, failed) stay; they are given up after two days anyway (bantin.delivery.sender).
- **Alerts** (``alerts``) fired more than ``BANTIN_RETENTION_DAYS`` ago are deleted: their why quotes the
  stories' titles. The alert rules are configuration and stay.
- The **audit log** keeps what happened: the audit rows of every change to a deleted story stay (their
  ``target`` is ``story:ID``) until the audit retention, which is the longest; nothing here edits them.

Users, API tokens, saved searches, queue rules, alert rules and response times are the office's configuration, not data
that ages: they stay until an admin removes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from bantin.store.office import CLOSED_STATES  # only closed stories can age out

# Outbox rows that will never be sent again (store/delivery.py MESSAGE_STATES).
FINISHED_MESSAGES = ("sent", "dead")

if TYPE_CHECKING:
    from bantin.store.prune import Pruner


def prune_office_before(p: Pruner) -> None:
    """Sessions, tracking checks and stopped tracking: the rules that do not wait for the articles."""
    ws = p.t("web_sessions")
    p.by_key("web_sessions", ws.c.expires_at <= p.cutoffs["web_sessions"])
    cutoff = p.cutoffs["articles"]
    tc, to = p.t("tracking_checks"), p.t("tracked_originals")
    p.by_key("tracking_checks", tc.c.at < cutoff)
    stopped = to.c.active.is_(False) & (func.coalesce(to.c.last_checked_at, to.c.created_at) < cutoff)
    p.by_key("tracked_originals", stopped, tree=True)
    ob = p.t("outbox")
    p.by_key("outbox", ob.c.state.in_(FINISHED_MESSAGES) & (ob.c.created_at < cutoff))
    al = p.t("alerts")
    p.by_key("alerts", al.c.fired_at < cutoff)


def prune_stories(p: Pruner) -> None:
    """Closed stories past retention whose cluster is gone, with their children; after the articles and
    clusters, so that a story whose last copy goes in this run goes in this run too (in a dry run, whose
    clusters are only counted, a cluster the run would delete counts as gone)."""
    st = p.t("stories")
    where = st.c.state.in_(CLOSED_STATES) & (st.c.updated_at < p.cutoffs["articles"])
    if not p.dry_run:
        where = where & st.c.cluster_id.is_(None)
    gone, last = p.doomed["clusters"], None
    while True:
        q = select(st.c.id, st.c.cluster_id).where(where).order_by(st.c.id).limit(p.batch)
        if not p.dry_run:  # PostgreSQL: an officer reopening one of them waits, or it is not selected
            q = q.with_for_update()  # (SQLite: the write transaction is BEGIN IMMEDIATE already)
        with p.engine.begin() as conn:
            rows = conn.execute(q if last is None else q.where(st.c.id > last)).all()
            if not rows:
                return
            last = rows[-1].id
            ids = [r.id for r in rows if r.cluster_id is None or r.cluster_id in gone]
            if ids:
                p.delete_rows(conn, "stories", ids)
