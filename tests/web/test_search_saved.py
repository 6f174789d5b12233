"""Saved searches from the search page: save the current query and filters, run it (the box and filters
come back), rename, refuse a duplicate name with a note, delete; one user's saved search is not another's."""

from __future__ import annotations

import re

from sqlalchemy import select

from bantin.store.office import SavedSearch
from bantin.store.schema import AuditEvent
from tests.web.conftest import Web


def _saved(web: Web) -> list[SavedSearch]:
    with web.ctx.sessions() as s:
        return list(s.scalars(select(SavedSearch).order_by(SavedSearch.id)))


def test_a_search_is_saved_run_renamed_and_deleted_from_the_page(web: Web) -> None:
    viewer = web.login("viewer")
    form = {"csrf_token": viewer.csrf, "name": "Lũ lụt Nghệ An", "q": "lũ OR lụt nghe an",  # type: ignore[attr-defined]
            "topic": "environment", "from": "2026-11-01", "to": "2026-11-30"}
    r = viewer.post("/search/saved", data=form)
    assert r.status_code == 303
    [row] = _saved(web)
    assert (row.name, row.query) == ("Lũ lụt Nghệ An", "lũ OR lụt nghe an") and "environment" in (row.filters or "")
    assert r.headers["location"] == f"/search?search_id={row.id}&note=saved"
    page = viewer.get(r.headers["location"]).text
    assert "Đã lưu tìm kiếm." in page
    assert 'value="lũ OR lụt nghe an"' in page and 'value="2026-11-01"' in page and 'value="2026-11-30"' in page
    assert '<option value="environment" selected>' in page
    assert "Có tất cả: lu hoặc lut; nghe; an" in page
    assert f'<a href="/search?search_id={row.id}">Lũ lụt Nghệ An</a>' in page

    again = viewer.post("/search/saved", data=form)
    assert "note=exists" in again.headers["location"] and "save_name=" in again.headers["location"]
    kept = viewer.get(again.headers["location"]).text
    assert "Đã có một tìm kiếm được lưu với tên này." in kept and 'value="lũ OR lụt nghe an"' in kept
    assert len(_saved(web)) == 1

    renamed = viewer.post(f"/search/saved/{row.id}/rename", data={"csrf_token": viewer.csrf, "name": "Mưa lũ"})  # type: ignore[attr-defined]
    assert renamed.status_code == 303 and _saved(web)[0].name == "Mưa lũ"
    assert "Đã đổi tên tìm kiếm đã lưu." in viewer.get(renamed.headers["location"]).text

    other = web.login("analyst")
    assert other.get(f"/search?search_id={row.id}").status_code == 404
    assert other.post(f"/search/saved/{row.id}/delete", data={"csrf_token": other.csrf}).status_code == 404  # type: ignore[attr-defined]
    assert "Mưa lũ" not in other.get("/search").text

    gone = viewer.post(f"/search/saved/{row.id}/delete", data={"csrf_token": viewer.csrf})  # type: ignore[attr-defined]
    assert gone.status_code == 303 and _saved(web) == []
    assert "Đã xoá tìm kiếm đã lưu." in viewer.get(gone.headers["location"]).text
    with web.ctx.sessions() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("searches.%"))
                            .order_by(AuditEvent.id)).all()
    assert actions == ["searches.create", "searches.update", "searches.delete"]


def test_saving_without_a_name_or_without_the_csrf_token_is_refused(web: Web) -> None:
    viewer = web.login("viewer")
    blank = viewer.post("/search/saved", data={"csrf_token": viewer.csrf, "name": "  ", "q": "nghe an"})  # type: ignore[attr-defined]
    assert blank.status_code == 303 and "note=name" in blank.headers["location"]
    page = viewer.get(blank.headers["location"]).text
    assert "Hãy đặt tên cho tìm kiếm (tối đa 200 ký tự)." in page and 'value="nghe an"' in page
    forged = viewer.post("/search/saved", data={"name": "x", "q": "nghe an"})
    assert forged.status_code == 403
    assert _saved(web) == []
    assert re.search(r"Chưa có tìm kiếm nào được lưu", page)
