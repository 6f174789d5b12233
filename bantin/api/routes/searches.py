"""Saved searches (viewer): ``GET/POST /api/v1/searches``, ``PATCH/DELETE /api/v1/searches/{id}``.

Each user sees and changes their own; an admin sees and changes everyone's. Run one with
``GET /api/v1/articles?search_id=ID``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.ids import Int32Id
from bantin.api.listing.pagination import DEFAULT_LIMIT, CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import requires
from bantin.api.schemas.searches import SavedSearchCreate, SavedSearchPublic, SavedSearchUpdate, SearchFilters
from bantin.app import audit
from bantin.classify.topics.taxonomy import TOPIC_KEYS
from bantin.search.query import QueryError, parse
from bantin.store.office import SavedSearch

router = APIRouter(prefix="/searches", tags=["searches"])

# Saved searches per user: a menu, not a database; queue rules point at a few of them.
MAX_SAVED_PER_USER = 100


def _public(row: SavedSearch) -> SavedSearchPublic:
    try:
        filters = json.loads(row.filters or "{}")
    except ValueError:
        filters = {}
    return SavedSearchPublic(id=row.id, user_id=row.user_id, name=row.name, q=row.query,
                             filters=filters if isinstance(filters, dict) else {}, created_at=row.created_at)


def _filters_json(f: SearchFilters) -> str:
    if f.topic is not None and f.topic not in TOPIC_KEYS:
        raise HTTPException(422, f"chủ đề không tồn tại (unknown topic) {f.topic!r}")
    return json.dumps(f.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False)


def _check_query(q: str | None) -> None:
    try:
        parse(q)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from None


def _own(s: Any, search_id: int, me: CurrentUser) -> SavedSearch:
    row = s.get(SavedSearch, search_id)
    if row is None or (row.user_id != me.user_id and not me.has("admin")):
        raise HTTPException(404, "không tìm thấy tìm kiếm đã lưu (saved search not found)")
    return row  # type: ignore[no-any-return]


def _commit_or_conflict(s: Any) -> None:
    try:
        s.commit()
    except IntegrityError:
        s.rollback()
        raise HTTPException(409, "đã có tìm kiếm cùng tên (a saved search with this name exists)") from None


@router.get("", response_model=Page[SavedSearchPublic], dependencies=[requires("viewer")])
def list_searches(s: SessionDep, me: CurrentUser, limit: LimitQ = DEFAULT_LIMIT,
                  cursor: CursorQ = None) -> Page[SavedSearchPublic]:
    """Tìm kiếm đã lưu (saved searches: one's own; an admin's list has everyone's)."""
    key = decode_cursor(cursor, 1)
    stmt = select(SavedSearch).order_by(SavedSearch.id).limit(limit + 1)
    if not me.has("admin"):
        stmt = stmt.where(SavedSearch.user_id == me.user_id)
    if key is not None:
        if not isinstance(key[0], int):
            raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
        stmt = stmt.where(SavedSearch.id > key[0])
    rows = list(s.scalars(stmt))
    items = [_public(r) for r in rows[:limit]]
    return Page[SavedSearchPublic](items=items, next_cursor=encode_cursor(items[-1].id) if len(rows) > limit else None)


@router.post("", response_model=SavedSearchPublic, status_code=201, dependencies=[requires("viewer")])
def create_search(body: SavedSearchCreate, s: SessionDep, me: CurrentUser) -> SavedSearchPublic:
    """Lưu một tìm kiếm (save a search)."""
    _check_query(body.q)
    mine = s.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == me.user_id)) or 0
    if mine >= MAX_SAVED_PER_USER:
        raise HTTPException(409, f"quá nhiều tìm kiếm đã lưu (at most {MAX_SAVED_PER_USER} per user)")
    row = SavedSearch(user_id=me.user_id, name=body.name, query=body.q or None, filters=_filters_json(body.filters))
    s.add(row)
    audit.record(s, me.actor, "searches.create", audit_target=None, name=body.name)
    _commit_or_conflict(s)
    return _public(row)


@router.patch("/{search_id}", response_model=SavedSearchPublic, dependencies=[requires("viewer")])
def update_search(search_id: Int32Id, body: SavedSearchUpdate, s: SessionDep, me: CurrentUser) -> SavedSearchPublic:
    """Sửa một tìm kiếm đã lưu (change a saved search; fields left out stay as they are)."""
    row = _own(s, search_id, me)
    sent = body.model_fields_set
    if "name" in sent and body.name is not None:
        row.name = body.name
    if "q" in sent:
        _check_query(body.q)
        row.query = body.q or None
    if "filters" in sent:
        row.filters = _filters_json(body.filters or SearchFilters())
    audit.record(s, me.actor, "searches.update", audit_target=f"saved_search:{row.id}", fields=sorted(sent))
    _commit_or_conflict(s)
    return _public(row)


@router.delete("/{search_id}", status_code=204, dependencies=[requires("viewer")])
def delete_search(search_id: Int32Id, s: SessionDep, me: CurrentUser) -> Response:
    """Xoá một tìm kiếm đã lưu (delete a saved search)."""
    row = _own(s, search_id, me)
    audit.record(s, me.actor, "searches.delete", audit_target=f"saved_search:{row.id}", name=row.name)
    s.delete(row)
    s.commit()
    return Response(status_code=204)
