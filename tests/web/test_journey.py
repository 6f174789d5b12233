"""Issue #10's journey in Chromium, on each database: a reviewer signs in, triages a story, assigns it and
records a response; searches "nghe an" and finds "Nghệ An" among real items (highlighted) and exports the
results as CSV, read back; an analyst corrects the story's topic; the analyst switches to English and signs
out; an admin looks at the administration's rules in English. Then a viewer sees no action button (queue
bulk controls, story actions, label buttons) and gets 403 when posting with a valid CSRF token of their own
session. After every step the database is checked (state, owner, the response row, the label row and its
labeller) beside what the page shows; screenshots ``journey-<page>`` of every main page."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bantin.store.office import ResponseCase, User
from bantin.store.schema import AuditEvent, Label
from tests.api.conftest import PASSWORD
from tests.search.realnews import import_lines
from tests.web.browser import screenshot, sign_in
from tests.web.conftest import Web, db_name
from tests.web.storydata import BRIDGE_TITLE, newsroom_queue, story
from tests.web.test_search_page import nghe_an_lines

RESPONSE_SUMMARY = "Sở Giao thông vận tải công bố số liệu vốn đầu tư cầu Hưng Đức"
RESPONSE_URL = "https://nghean.gov.vn/tin-tuc/cau-hung-duc"


def _build(web: Web, shared_data: Path) -> int:
    """The newsroom's queue (classified, admitted), then real items of ../shared (imported, not classified:
    they add search results, not stories). In a thread: the newsroom runs asyncio, Playwright holds this
    thread's loop."""
    sid = newsroom_queue(web)["bridge"]
    import_lines(web.ctx.sessions, nghe_an_lines(shared_data))
    return sid


def _user_id(web: Web, name: str) -> int:
    with web.ctx.sessions() as s:
        uid = s.scalar(select(User.id).where(User.name == name))
    assert uid is not None
    return uid


def _count(web: Web, model: Any, *where: Any) -> int:
    with web.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _focused_id(page: Any) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _sign_out(page: Any, base: str, label: str) -> None:
    page.click(f"header .tools button:has-text('{label}')")
    page.wait_for_url(base + "/login")


def _reviewer_works_the_story(page: Any, web: Web, base: str, sid: int) -> None:
    db = db_name(web)
    sign_in(page, base, "reviewer", PASSWORD.format(role="reviewer"))
    assert page.locator("h1").first.inner_text() == "Hàng đợi xử lý tin"
    assert page.locator("fieldset.bulk button[value=triage]").is_visible()  # a reviewer has the bulk controls
    screenshot(page, "journey-queue", db)
    page.click(f"tr[data-story='{sid}'] a.open")
    page.wait_for_url(f"{base}/stories/{sid}")
    assert page.locator("h1").inner_text() == BRIDGE_TITLE
    facts = page.locator(".story-head .facts").inner_text()
    assert "tiếng Việt" in facts and "mới" in facts  # the language by name, not "vi"
    history = page.locator("#history").inner_text()
    assert "Đưa vào hàng đợi (mức liên quan: chủ yếu về tỉnh)" in history
    assert "relevance:" not in history
    screenshot(page, "journey-story", db)

    page.click("#work button:has-text('Phân loại')")  # triage
    page.wait_for_selector(".story-head .state-triaged")
    assert story(web, sid).state == "triaged"
    assert _focused_id(page) == "work-h"  # the keyboard is left at the part that changed (static/story.js)
    reviewer = _user_id(web, "reviewer")
    page.select_option("#owner", str(reviewer))
    page.click("#work form.row button:has-text('Giao')")  # assign
    page.wait_for_selector(".story-head .state-assigned")
    row = story(web, sid)
    assert (row.state, row.owner_id) == ("assigned", reviewer)
    assert "reviewer" in page.locator(".story-head .facts").inner_text()
    assert "Người phụ trách: chưa có ai → reviewer" in page.locator("#history").inner_text()

    page.click("#response summary")  # record a published response
    page.check("input[name=kind][value=published]")
    page.fill("#r-outlet", "Cổng thông tin điện tử tỉnh Nghệ An")
    page.fill("#r-url", RESPONSE_URL)
    page.fill("#r-summary", RESPONSE_SUMMARY)
    page.click("#response button[type=submit].primary")
    page.wait_for_selector("#response .response-published")
    assert RESPONSE_SUMMARY in page.locator("#response .responses").inner_text()
    assert "Người ghi: reviewer" in page.locator("#response .responses").inner_text()
    with web.ctx.sessions() as s:
        cases = list(s.execute(select(ResponseCase.kind, ResponseCase.url, ResponseCase.summary,
                                      ResponseCase.created_by).where(ResponseCase.story_id == sid)))
    assert cases == [("published", RESPONSE_URL, RESPONSE_SUMMARY, reviewer)]
    screenshot(page, "journey-story-response", db)


def _search_and_export(page: Any, web: Web, base: str) -> None:
    db = db_name(web)
    page.click("nav >> text=Tìm kiếm")
    page.wait_for_url(base + "/search")
    page.fill("#q", "nghe an")
    page.press("#q", "Enter")
    page.wait_for_selector("#results mark")
    marks = page.locator("#results .result h3 mark").all_inner_texts()
    assert "Nghệ An" in marks  # found without diacritics, the original words highlighted
    shown = page.locator("#results .result").count()
    assert shown > 1  # the newsroom's bridge and real items of ../shared
    screenshot(page, "journey-search", db)
    exports_before = _count(web, AuditEvent, AuditEvent.action == "export")
    with page.expect_download() as dl:
        page.click("#results .exports a:has-text('CSV')")
    with open(dl.value.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == shown
    assert BRIDGE_TITLE in [r["title"] for r in rows]
    assert sum("Nghệ An" in r["title"] for r in rows) > 1
    assert _count(web, AuditEvent, AuditEvent.action == "export") == exports_before + 1  # audited (principle 3)
    page.click("nav >> text=Nguồn tin")
    page.wait_for_url(base + "/sources")
    screenshot(page, "journey-sources", db)
    page.click("nav >> text=Báo cáo")
    page.wait_for_url(base + "/reports")
    screenshot(page, "journey-reports", db)


def _analyst_corrects_the_topic(page: Any, web: Web, base: str, sid: int) -> None:
    db = db_name(web)
    sign_in(page, base, "analyst", PASSWORD.format(role="analyst"))
    page.goto(f"{base}/stories/{sid}")
    origin = story(web, sid).origin_article_id
    assert _count(web, Label, Label.article_id == origin) == 0
    page.select_option("#label-topic", "economy")
    page.click("#labels button:has-text('Sửa chủ đề')")
    page.wait_for_selector("#labels .ok")
    assert page.locator("#labels .ok").inner_text() == "Đã lưu nhãn."
    given = page.locator("#labels .labels-given").inner_text()
    assert "kinh tế – đầu tư" in given and "analyst" in given
    assert _focused_id(page) == "labels-h"
    with web.ctx.sessions() as s:
        labels = list(s.execute(select(Label.kind, Label.value, Label.labeller).where(Label.article_id == origin)))
    assert labels == [("topic", "economy", "user:analyst")]
    page.click("nav >> text=Mô hình và nhãn")
    page.wait_for_url(base + "/analysts")
    screenshot(page, "journey-analysts", db)


def _english_then_sign_out(page: Any, web: Web, base: str, sid: int) -> None:
    db = db_name(web)
    page.goto(f"{base}/stories/{sid}")
    page.click("header .tools button[name=lang][value=en]")
    page.wait_for_url(f"{base}/stories/{sid}")
    assert page.locator("html").get_attribute("lang") == "en"
    facts = page.locator(".story-head .facts").inner_text()
    assert "Languages" in facts and "Vietnamese" in facts and "assigned" in facts
    assert "Entered the queue (relevance: mainly about the province)" in page.locator("#history").inner_text()
    assert page.locator("#labels h2").inner_text() == "Topics and relevance"
    screenshot(page, "journey-story-en", db)
    page.goto(base + "/reports")
    options = page.locator("#r-relevance option").all_inner_texts()
    assert "mainly about the province" in options and not any(o.startswith("relevance ") for o in options)
    _sign_out(page, base, "Sign out")
    page.goto(base + "/")
    page.wait_for_url(base + "/login?next=/")  # signed out: the queue asks to sign in again
    assert page.locator("h1").inner_text() == "Sign in to bantin"  # the language is still remembered

    sign_in(page, base, "admin", PASSWORD.format(role="admin"))
    page.goto(base + "/admin")
    screenshot(page, "journey-admin", db)
    page.goto(base + "/admin/rules")
    times = page.locator("table.times tbody td:first-child").all_inner_texts()
    assert sorted(times) == ["high", "low", "normal", "urgent"]  # words, not "priority low"
    shown = page.locator("main").inner_text()
    assert "mentions the province" in shown  # the new rule's relevance choices
    assert not [w for w in ("priority low", "priority normal", "relevance mention", "relevance primary") if w in shown]
    screenshot(page, "journey-admin-rules-en", db)
    page.click("header .tools button[name=lang][value=vi]")
    page.wait_for_url(base + "/admin/rules")
    assert "thấp" in page.locator("table.times").inner_text()
    _sign_out(page, base, "Đăng xuất")


def _viewer_can_only_read(page: Any, web: Web, base: str, sid: int) -> None:
    sign_in(page, base, "viewer", PASSWORD.format(role="viewer"))
    assert page.locator(f"tr[data-story='{sid}']").count() == 1  # the viewer reads the queue...
    assert page.locator("fieldset.bulk, input[name=ids], button[name=action]").count() == 0  # ...and acts on none
    page.goto(f"{base}/stories/{sid}")
    assert page.locator("h1").inner_text() == BRIDGE_TITLE
    assert page.locator("#work").count() == 0  # no handling section
    assert page.locator("#labels form, #labels button").count() == 0  # no label buttons
    assert page.locator("#response form, #tracking form, #notes form").count() == 0
    assert page.locator("main button").count() == 0
    screenshot(page, "journey-story-viewer", db_name(web))

    token = page.locator("header input[name=csrf_token]").get_attribute("value")
    assert token
    before = story(web, sid)
    labels = _count(web, Label)
    responses = _count(web, ResponseCase)
    posts = {f"/stories/{sid}/change": {"version": str(before.version), "action": "triaged"},
             f"/stories/{sid}/labels": {"kind": "topic", "value": "tourism"},
             f"/stories/{sid}/responses": {"kind": "published", "outlet": "x", "at": "2026-11-21T10:30"},
             f"/stories/{sid}/notes": {"text": "ghi chú"},
             "/queue/bulk": {"action": "triage", "ids": str(sid)}}
    for path, form in posts.items():
        r = page.request.post(base + path, form={**form, "csrf_token": token}, max_redirects=0)
        assert r.status == 403, (path, r.status)
        assert "Vai trò của bạn không cho phép" in r.text(), path  # refused for the role, not the token
    after = story(web, sid)
    assert (after.version, after.state, after.owner_id) == (before.version, before.state, before.owner_id)
    assert (_count(web, Label), _count(web, ResponseCase)) == (labels, responses)
    # the token was valid: the same session signs out with it
    out = page.request.post(base + "/logout", form={"csrf_token": token}, max_redirects=0)
    assert out.status == 303 and out.headers["location"] == "/login"


def test_the_issues_journey_from_triage_to_sign_out(browser_page: Any, live: tuple[Web, str],
                                                    shared_data: Path) -> None:
    web, base = live
    page = browser_page
    sid = _build(web, shared_data)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} ({page.url})") if m.type == "error" else None)
    _reviewer_works_the_story(page, web, base, sid)
    _search_and_export(page, web, base)
    _sign_out(page, base, "Đăng xuất")
    _analyst_corrects_the_topic(page, web, base, sid)
    _english_then_sign_out(page, web, base, sid)
    _viewer_can_only_read(page, web, base, sid)
    assert errors == [], errors  # nothing refused by the Content-Security-Policy, no script error
