"""Tracking real originals on a loopback publisher: an edited sentence is a ``changed`` check with a diff,
404 and 410 are ``gone``, a dead server is an ``error`` and the schedule goes on, an unchanged page is
``unchanged``; status changes are story history rows. Every fetch goes through bantin's Scrapy stack."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bantin.responses.fetching import default_fetcher
from bantin.responses.schedule import EARLY_INTERVAL
from bantin.responses.tracking import check_due, start_tracking
from bantin.store.office import StoryEvent, TrackedOriginal, TrackingCheck
from bantin.store.schema import AuditEvent
from bantin.store.types import utcnow
from bantin.text.normalize import normalize_vi
from tests.httpfixtures import HostileServer
from tests.responses.support import GUARD, HTML, NEW_SENTENCE, article_page, make_story, store_article


def _dead_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more
    return f"http://127.0.0.1:{port}/bai/da-xoa.html"


def _tracked(ctx: Any) -> dict[str, TrackedOriginal]:
    with ctx.sessions() as s:
        rows = s.scalars(select(TrackedOriginal)).all()
        s.expunge_all()
    return {r.url: r for r in rows}


def test_edits_removals_and_dead_servers_are_recorded_and_checking_goes_on(ctx: Any) -> None:
    fetch = default_fetcher(ctx.settings, GUARD)
    t0 = utcnow()
    with HostileServer() as srv:
        urls = {k: srv.url(f"/bai/{k}.html") for k in ("edited", "removed", "withdrawn", "steady")}
        urls["dead"] = _dead_url()
        pages = {k: article_page(i, u) for i, (k, u) in enumerate(urls.items())}
        served = {f"/bai/{k}.html": (200, pages[k][0]) for k in ("edited", "removed", "withdrawn", "steady")}
        srv.route("/bai/", lambda h: h.reply(*served.get(h.route_path, (404, b"")), {"Content-Type": HTML}))
        story = make_story(ctx)
        for k, url in urls.items():  # stored articles: the baseline is their text, the first check due at once
            store_article(ctx, url, pages[k][0])
            start_tracking(ctx, story, actor="user:reviewer", url=url, now=t0)

        old = pages["edited"][1][3]
        edited, _ = article_page(0, urls["edited"], replace=(old, NEW_SENTENCE))
        served["/bai/edited.html"] = (200, edited)
        served["/bai/removed.html"] = (404, b"<html><body>Not found</body></html>")
        served["/bai/withdrawn.html"] = (410, b"<html><body>Gone</body></html>")

        t1 = t0 + timedelta(minutes=1)
        first = {r.tracked_id: r for r in check_due(ctx, fetch, t1)}
        rows = _tracked(ctx)
        assert {k: first[rows[u].id].outcome for k, u in urls.items()} == {
            "edited": "changed", "removed": "gone", "withdrawn": "gone", "dead": "error", "steady": "unchanged"}
        assert all(r.article_id is not None for r in rows.values())

        with ctx.sessions() as s:
            checks = {c.tracked_id: c for c in s.scalars(select(TrackingCheck))}
        diff = checks[rows[urls["edited"]].id].diff or ""
        assert any(line.startswith("-") and normalize_vi(old) in line for line in diff.splitlines())
        assert any(line.startswith("+") and NEW_SENTENCE in line for line in diff.splitlines())
        assert checks[rows[urls["removed"]].id].http_status == 404
        assert checks[rows[urls["withdrawn"]].id].http_status == 410
        dead = rows[urls["dead"]]
        assert checks[dead.id].error and "\n" not in checks[dead.id].error
        assert dead.status == "error" and dead.active and dead.next_check_at == t1 + EARLY_INTERVAL
        assert check_due(ctx, fetch, t1) == []  # nothing is due twice

        served["/bai/removed.html"] = (200, pages["removed"][0])  # the outlet put the page back as it was
        t2 = t0 + EARLY_INTERVAL + timedelta(minutes=2)
        second = {r.tracked_id: r for r in check_due(ctx, fetch, t2)}
    rows = _tracked(ctx)
    got = {k: (second[rows[u].id].outcome, rows[u].status) for k, u in urls.items() if k != "withdrawn"}
    assert got == {"edited": ("unchanged", "changed"), "removed": ("unchanged", "unchanged"),
                   "steady": ("unchanged", "unchanged"), "dead": ("error", "error")}

    with ctx.sessions() as s:
        events = [json.loads(e.detail) for e in s.scalars(select(StoryEvent).where(StoryEvent.story_id == story,
                                                                                 StoryEvent.action == "tracking"))]
        audits = s.scalars(select(AuditEvent.action).where(AuditEvent.target == f"story:{story}")).all()
    changes = sorted((e["url"], e["from_status"], e["to_status"]) for e in events if e["event"] == "status")
    assert changes == sorted([
        (urls["edited"], "tracking", "changed"), (urls["removed"], "tracking", "gone"),
        (urls["removed"], "gone", "unchanged"), (urls["withdrawn"], "tracking", "gone"),
        (urls["dead"], "tracking", "error"), (urls["steady"], "tracking", "unchanged")])
    assert sum(e["event"] == "started" for e in events) == 5
    assert list(audits).count("tracking.start") == 5
