"""The sources page: every role reads the health table (a failing feed's error in one line, in Vietnamese);
an admin adds a site by its home page (feeds autodiscovered from a loopback server), sees an unreachable
address as one line, and disables and enables a source, each change audited; a viewer sees no admin
control and is refused when posting anyway."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bantin.sources.registry import SourceSpec, upsert
from bantin.store.schema import AuditEvent, Feed, Source
from bantin.store.types import utcnow
from tests.httpfixtures import HostileServer, serve_site
from tests.web.conftest import Web

ERROR = "HTTP 503 Service Unavailable from https://bao-loi.example.vn/rss.xml\nretry later"


def _failing_source(web: Web) -> int:
    with web.ctx.sessions() as s:
        src, _, _ = upsert(s, SourceSpec("Báo Lỗi", ("https://bao-loi.example.vn/rss.xml",)))
        upsert(s, SourceSpec("Báo Tốt", ("https://bao-tot.example.vn/rss.xml",)))
        s.flush()
        at = utcnow() - timedelta(hours=2)
        for target in (src, *src.feeds):
            target.health, target.last_error, target.last_error_at = "failing", ERROR, at
        src.feeds[0].consecutive_failures = 4
        s.commit()
        return src.id


def _audit(web: Web, action: str) -> list[AuditEvent]:
    with web.ctx.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _no_delay(web: Web) -> None:
    web.ctx.settings = web.ctx.settings.model_copy(update={"min_host_delay_s": 0.0})


def test_the_table_shows_a_failing_feeds_error_and_a_viewer_gets_no_admin_controls(web: Web) -> None:
    sid = _failing_source(web)
    viewer = web.login("viewer")
    page = viewer.get("/sources").text
    assert "Nguồn tin và tình trạng hoạt động" in page
    assert "Báo Lỗi" in page and "Báo Tốt" in page and "đang lỗi" in page
    one_line = "HTTP 503 Service Unavailable from https://bao-loi.example.vn/rss.xml retry later"
    assert one_line in page
    assert page.index("Báo Lỗi") < page.index("Báo Tốt")  # failing first
    assert "<details>" in page and "Các nguồn cấp của Báo Lỗi (1)" in page
    assert "Thêm nguồn tin" not in page and 'action="/sources"' not in page and ">Tắt<" not in page
    refused = viewer.post("/sources", data={"csrf_token": viewer.csrf, "url": "https://bao.example.vn/"})  # type: ignore[attr-defined]
    assert refused.status_code == 403
    off = viewer.post(f"/sources/{sid}/enabled", data={"csrf_token": viewer.csrf, "enabled": "false"})  # type: ignore[attr-defined]
    assert off.status_code == 403
    with web.ctx.sessions() as s:
        assert s.get(Source, sid).enabled is True  # type: ignore[union-attr]
    assert _audit(web, "sources.add") == _audit(web, "sources.update") == []


def test_an_admin_adds_a_site_by_its_home_page_and_sees_the_feed_found(web: Web) -> None:
    _no_delay(web)
    admin = web.login("admin")
    assert "Thêm nguồn tin" in admin.get("/sources").text
    with serve_site(2) as site:
        r = admin.post("/sources", data={"csrf_token": admin.csrf, "url": site.base + "/", "name": "Báo Thử"})  # type: ignore[attr-defined]
        assert r.status_code == 200, r.text
        assert "Đã lưu nguồn tin “Báo Thử”." in r.text and "Nguồn cấp mới:" in r.text and site.feed_url in r.text
        again = admin.post("/sources", data={"csrf_token": admin.csrf, "url": site.feed_url, "name": "Báo Thử"})  # type: ignore[attr-defined]
        assert "Đã có từ trước, giữ nguyên:" in again.text
    with web.ctx.sessions() as s:
        src = s.scalar(select(Source).where(Source.name == "Báo Thử"))
        assert src is not None and [f.url for f in s.scalars(select(Feed).where(Feed.source_id == src.id))] == [
            site.feed_url]
        sid = src.id
    assert [a.actor for a in _audit(web, "sources.add")] == ["user:admin", "user:admin"]

    off = admin.post(f"/sources/{sid}/enabled", data={"csrf_token": admin.csrf, "enabled": "false"})  # type: ignore[attr-defined]
    assert off.status_code == 303
    page = admin.get("/sources").text
    assert "đã tắt" in page and ">Bật lại<" in page  # "Enable": one wording with the admin pages
    admin.post(f"/sources/{sid}/enabled", data={"csrf_token": admin.csrf, "enabled": "true"})  # type: ignore[attr-defined]
    with web.ctx.sessions() as s:
        assert s.get(Source, sid).enabled is True  # type: ignore[union-attr]
    assert [a.target for a in _audit(web, "sources.update")] == [f"source:{sid}", f"source:{sid}"]


def test_an_address_that_cannot_be_fetched_is_one_line_and_the_form_keeps_it(web: Web) -> None:
    _no_delay(web)
    admin = web.login("admin")
    with HostileServer() as srv:
        url = srv.url("/status/404")
        r = admin.post("/sources", data={"csrf_token": admin.csrf, "url": url})  # type: ignore[attr-defined]
    assert r.status_code == 422
    assert "Chưa thêm được nguồn tin:" in r.text and "HTTP 404" in r.text and f'value="{url}"' in r.text
    short = admin.post("/sources", data={"csrf_token": admin.csrf, "url": "abc"})  # type: ignore[attr-defined]
    assert short.status_code == 422 and "Đây không phải là địa chỉ web hợp lệ" in short.text
    bad = admin.post("/sources", data={"csrf_token": admin.csrf, "url": "not a url"})  # type: ignore[attr-defined]
    assert bad.status_code == 422 and "không phải URL http(s)" in bad.text and 'value="not a url"' in bad.text
    with web.ctx.sessions() as s:
        assert s.scalar(select(Source.id)) is None
    assert _audit(web, "sources.add") == []
