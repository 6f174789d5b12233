"""A real VnExpress article (../shared) served from loopback: tracked by URL with its first fetch as the
baseline; the publisher edits one sentence; "check now" records ``changed`` with that sentence's diff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bantin.responses.checks import check_now
from bantin.responses.fetching import default_fetcher
from bantin.responses.tracking import list_tracking, start_tracking
from bantin.store.office import TrackedOriginal
from tests.conftest import requires_shared
from tests.httpfixtures import HostileServer
from tests.responses.support import GUARD, HTML, make_story

PAGE = "crawl/pages/vi/articles-no-gt/vnexpress_thoi-su_3882669.html"
OLD = "Khu tưởng niệm rộng khoảng 300 m2 tọa lạc trên đỉnh đồi rừng Hoàng"
NEW = "Khu tưởng niệm rộng khoảng 500 m2 nằm trên đỉnh đồi rừng Hoàng"


@requires_shared
def test_an_edited_sentence_of_a_real_article_shows_in_the_diff(ctx: Any, shared_data: Path) -> None:
    original = (shared_data / PAGE).read_bytes()
    assert original.count(OLD.encode()) == 1
    served = {"body": original}
    fetch = default_fetcher(ctx.settings, GUARD)
    with HostileServer() as srv:
        srv.route("/thoi-su/bai.html", lambda h: h.reply(200, served["body"], {"Content-Type": HTML}))
        url = srv.url("/thoi-su/bai.html")
        story = make_story(ctx)
        tid = start_tracking(ctx, story, actor="user:reviewer", url=url, fetch=fetch)
        with ctx.sessions() as s:
            row = s.scalars(select(TrackedOriginal)).one()
            assert row.article_id is None and OLD in row.baseline_text and "14 phi công" in row.baseline_text
        served["body"] = original.replace(OLD.encode(), NEW.encode())
        result = check_now(ctx, story, tid, fetch, actor="user:reviewer")
    assert (result.outcome, result.status, result.http_status) == ("changed", "changed", 200)
    with ctx.sessions() as s:
        [(row, [check])] = list_tracking(s, story)
    lines = (check.diff or "").splitlines()
    assert [line for line in lines if line.startswith("-") and not line.startswith("---")] == [
        next(line for line in lines if line.startswith("-") and OLD in line)]
    assert any(line.startswith("+") and NEW in line for line in lines)
    assert row.status == "changed"
