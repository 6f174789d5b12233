"""Sources over the API: the health table, adding a publisher by its home page (feeds autodiscovered, through
the same fetch rules as `bantin sources add`), disabling and renaming it, each change audited."""

from __future__ import annotations

from sqlalchemy import select

from bantin.store.schema import AuditEvent, Feed, Source
from tests.api.conftest import Api
from tests.httpfixtures import HostileServer, serve_site


def _audit(api: Api, action: str) -> list[AuditEvent]:
    with api.ctx.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _no_delay(api: Api) -> None:
    """No politeness delay against the loopback test site (allowed only with loopback allowed)."""
    api.ctx.settings = api.ctx.settings.model_copy(update={"min_host_delay_s": 0.0})


def test_admin_adds_a_site_by_its_home_page_and_the_list_shows_its_feed(api: Api) -> None:
    admin = api.headers("admin")
    _no_delay(api)
    with serve_site(2) as site:
        r = api.client.post("/api/v1/sources", json={"url": site.base + "/", "name": "Báo Thử"}, headers=admin)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["new_feeds"] == [site.feed_url] and body["known_feeds"] == []
        assert body["source"]["name"] == "Báo Thử" and body["source"]["enabled"] is True
        again = api.client.post("/api/v1/sources", json={"url": site.feed_url, "name": "Báo Thử"}, headers=admin)
        assert again.status_code == 201 and again.json()["known_feeds"] == [site.feed_url]
    listed = api.client.get("/api/v1/sources", headers=api.headers("viewer")).json()["items"]
    assert [(x["name"], x["health"], [f["url"] for f in x["feeds"]]) for x in listed] == [
        ("Báo Thử", "new", [site.feed_url])]
    assert listed[0]["kind"] == "feed" and listed[0]["items_per_day"] == 0.0
    added = _audit(api, "sources.add")
    assert [a.actor for a in added] == ["user:admin", "user:admin"] and site.base in (added[0].detail or "")


def test_admin_disables_renames_and_reslows_a_source_and_each_change_is_audited(api: Api) -> None:
    with api.ctx.sessions() as s:
        from bantin.sources.registry import SourceSpec, upsert

        src, _, _ = upsert(s, SourceSpec("Báo Cũ", ("https://bao.example.vn/rss.xml",)))
        s.commit()
        sid = src.id
    r = api.client.patch(f"/api/v1/sources/{sid}", json={"enabled": False, "name": "Báo Mới", "poll_minutes": 30},
                         headers=api.headers("admin"))
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["enabled"], r.json()["poll_interval_s"]) == ("Báo Mới", False, 1800)
    with api.ctx.sessions() as s:
        stored = s.get(Source, sid)
        assert stored is not None and (stored.name, stored.enabled) == ("Báo Mới", False)
        assert s.scalars(select(Feed.poll_interval_s).where(Feed.source_id == sid)).all() == [1800]
    [event] = _audit(api, "sources.update")
    assert event.target == f"source:{sid}" and "Báo Cũ" in (event.detail or "")
    assert api.client.patch("/api/v1/sources/999999", json={"enabled": True},
                            headers=api.headers("admin")).status_code == 404
    assert api.client.patch(f"/api/v1/sources/{2**40}", json={"enabled": True},
                            headers=api.headers("admin")).status_code == 422
    assert api.client.patch(f"/api/v1/sources/{sid}", json={"name": "   "},
                            headers=api.headers("admin")).status_code == 422


def test_only_admins_change_sources_and_viewers_read_them(sqlite_api: Api) -> None:
    api = sqlite_api
    assert api.client.get("/api/v1/sources", headers=api.headers("viewer")).status_code == 200
    for role in ("viewer", "analyst"):
        r = api.client.post("/api/v1/sources", json={"url": "https://bao.example.vn/"}, headers=api.headers(role))
        assert r.status_code == 403 and r.json()["detail"] == "cần quyền admin (needs the admin role)"
    assert api.client.patch("/api/v1/sources/1", json={"enabled": False},
                            headers=api.headers("analyst")).status_code == 403


def test_a_url_that_cannot_be_fetched_is_a_422_with_one_line(sqlite_api: Api) -> None:
    api = sqlite_api
    _no_delay(api)
    with HostileServer() as srv:
        r = api.client.post("/api/v1/sources", json={"url": srv.url("/status/404")}, headers=api.headers("admin"))
    assert r.status_code == 422
    assert "HTTP 404" in r.json()["detail"] and "\n" not in r.json()["detail"]
    with api.ctx.sessions() as s:
        assert s.scalar(select(Source.id)) is None  # nothing stored, and no audit row claims an add
    assert _audit(api, "sources.add") == []


def test_malformed_urls_and_names_are_422_not_500(sqlite_api: Api) -> None:
    api = sqlite_api
    for body in ({"url": "http://[bad-ipv6"}, {"url": "https://bao.example.vn/", "name": "Báo\x00"},
                 {"url": "ftp://bao.example.vn/"}, {"url": "https://bao.example.vn/" + "a" * 3000}):
        r = api.client.post("/api/v1/sources", json=body, headers=api.headers("admin"))
        assert r.status_code == 422, (body, r.text)
    assert _audit(api, "sources.add") == []


def test_loopback_is_refused_unless_allowed_like_the_cli(sqlite_api: Api) -> None:
    api = sqlite_api
    api.ctx.settings = api.ctx.settings.model_copy(update={"allow_loopback": False})
    with serve_site(1) as site:
        r = api.client.post("/api/v1/sources", json={"url": site.feed_url}, headers=api.headers("admin"))
    assert r.status_code == 422 and site.feed_url in r.json()["detail"]
    assert site.hits == {}  # the fetch never reached the loopback server


def test_the_source_list_pages_by_name(sqlite_api: Api) -> None:
    api = sqlite_api
    with api.ctx.sessions() as s:
        from bantin.sources.registry import SourceSpec, upsert

        for i in range(3):
            upsert(s, SourceSpec(f"Nguồn {i}", (f"https://n{i}.example.vn/rss",)))
        s.commit()
    first = api.client.get("/api/v1/sources?limit=2", headers=api.headers("viewer")).json()
    assert [x["name"] for x in first["items"]] == ["Nguồn 0", "Nguồn 1"] and first["next_cursor"]
    rest = api.client.get(f"/api/v1/sources?limit=2&cursor={first['next_cursor']}", headers=api.headers("viewer"))
    assert [x["name"] for x in rest.json()["items"]] == ["Nguồn 2"] and rest.json()["next_cursor"] is None
