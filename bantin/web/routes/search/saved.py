"""Saved searches from the search page: save the current query and filters under a name, rename, delete.

Plain forms (POST, then a redirect back to /search with a one-line note); each calls the API's own route
function (api/routes/searches.py: the same bounds, per-user ownership, audit rows and name conflicts).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.ids import MAX_INT32_ID
from bantin.api.routes.searches import create_search, delete_search, update_search
from bantin.api.schemas.searches import MAX_NAME_CHARS, SavedSearchCreate, SavedSearchUpdate, SearchFilters
from bantin.web.guard import page
from bantin.web.routes.search.form import MAX_FIELD_CHARS, MAX_FORM_Q_CHARS, SearchForm, read_form

router = APIRouter(include_in_schema=False)

Short = Annotated[str, Form(max_length=MAX_FIELD_CHARS)]
# A name longer than the API's bound is refused with a note, not an error page (the form field allows it).
NAME_FIELD_CHARS = MAX_NAME_CHARS * 2


def _back(note: str, form: SearchForm | None = None, **extra: str) -> RedirectResponse:
    params = {**(form.params() if form else {}), **extra, "note": note}
    return RedirectResponse("/search?" + urlencode(params), status_code=303)


def _refusal(exc: HTTPException) -> str:
    if exc.status_code == 409:
        return "too_many" if str(exc.detail).startswith("quá nhiều") else "exists"
    return "refused"


@router.post("/search/saved", dependencies=[page("viewer")])
def save_search(s: SessionDep, me: CurrentUser, name: Annotated[str, Form(max_length=NAME_FIELD_CHARS)] = "",
                q: Annotated[str, Form(max_length=MAX_FORM_Q_CHARS)] = "", topic: Short = "",
                relevance: Short = "", source_id: Short = "", language: Short = "",
                date_from: Annotated[str, Form(alias="from", max_length=MAX_FIELD_CHARS)] = "",
                date_to: Annotated[str, Form(alias="to", max_length=MAX_FIELD_CHARS)] = "") -> RedirectResponse:
    form = SearchForm(q=q, topic=topic, relevance=relevance, source_id=source_id, language=language,
                      date_from=date_from, date_to=date_to)
    filters, _query = read_form(form)
    if filters is None or form.errors:
        return _back("refused", form, save_name=name)
    try:
        chosen = SearchFilters.model_validate({
            "topic": filters.topic, "relevance": filters.relevance, "source_id": filters.source_id,
            "language": filters.language, "from": filters.published_from, "to": filters.published_to})
        body = SavedSearchCreate(name=name.strip(), q=filters.q, filters=chosen)
    except ValidationError:
        return _back("name", form, save_name=name)
    try:
        created = create_search(body, s, me)
    except HTTPException as exc:
        return _back(_refusal(exc), form, save_name=name)
    return RedirectResponse(f"/search?search_id={created.id}&note=saved", status_code=303)


@router.post("/search/saved/{search_id}/rename", dependencies=[page("viewer")])
def rename_search(search_id: int, s: SessionDep, me: CurrentUser,
                  name: Annotated[str, Form(max_length=NAME_FIELD_CHARS)] = "") -> RedirectResponse:
    if not 1 <= search_id <= MAX_INT32_ID:
        raise HTTPException(404, "saved search")
    try:
        body = SavedSearchUpdate(name=name.strip())
    except ValidationError:
        return _back("name")
    try:
        update_search(search_id, body, s, me)
    except HTTPException as exc:
        if exc.status_code == 404:
            raise
        return _back(_refusal(exc))
    return _back("renamed")


@router.post("/search/saved/{search_id}/delete", dependencies=[page("viewer")])
def remove_search(search_id: int, s: SessionDep, me: CurrentUser) -> RedirectResponse:
    if not 1 <= search_id <= MAX_INT32_ID:
        raise HTTPException(404, "saved search")
    delete_search(search_id, s, me)  # 404 (the error page) for one that is not the reader's
    return _back("deleted")

