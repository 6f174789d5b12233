"""The search page ``/search``: the search box and filters (GET, so a search is a link), results newest
first with highlights on the original words, keyset pages, export links, and the reader's saved searches
(saving, renaming and deleting them is ``saved.py`` beside it).

The listing is the API's: the same filters and bounds (``api.article_params``), the same SELECT
(``search.listing.article_query``) and result items (``api.routes.articles.article_item``). A search reads
the monitored coverage, so it is audited ("articles.search") and the row committed before the results are
read (docs/principles.md, principle 3), as GET /api/v1/articles does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from bantin.api.deps import CtxDep, CurrentUser, ReadSessionDep
from bantin.api.ids import MAX_INT32_ID, MAX_INT64_ID
from bantin.api.listing.article_params import saved_filters
from bantin.api.routes.articles import article_item
from bantin.app import audit
from bantin.classify.topics.taxonomy import TOPICS
from bantin.search.listing import article_query
from bantin.store.office import SavedSearch, Story
from bantin.store.schema import Source
from bantin.web.guard import page
from bantin.web.i18n import current_locale
from bantin.web.routes.search.form import (
    LANGUAGE_LABELS,
    LANGUAGES,
    MAX_FIELD_CHARS,
    MAX_FORM_Q_CHARS,
    RELEVANCE_LABELS,
    RELEVANCES,
    SearchForm,
    export_query,
    form_of,
    marked,
    read_form,
    understood,
)
from bantin.web.routes.search.saved import NAME_FIELD_CHARS
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# Results per page: a screen and a half of titles with snippets; more by "next page" (keyset, never OFFSET).
PAGE_SIZE = 25
# Outlets offered in the filter: the province's registry is a few dozen; this bounds a runaway one.
MAX_OUTLETS = 500
# Saved searches listed: the API's per-user bound (api/routes/searches.py MAX_SAVED_PER_USER).
MAX_SAVED_LISTED = 100
# Notes after a saved-search change (saved.py redirects here with ?note=...).
NOTES = {"saved": "The search was saved.", "renamed": "The saved search was renamed.",
         "deleted": "The saved search was deleted.", "exists": "A saved search with this name exists already.",
         "too_many": "You have too many saved searches; delete some first.",
         "name": "Give the search a name (at most 200 characters).",
         "refused": "This search cannot be saved; check the query."}

Field = Annotated[str, Query(max_length=MAX_FIELD_CHARS)]


def _stories(r: Any, clusters: set[int]) -> dict[int, int]:
    """Story id per cluster id, for the results that belong to a story of the queue."""
    if not clusters:
        return {}
    return dict(r.execute(select(Story.cluster_id, Story.id).where(Story.cluster_id.in_(clusters))).all())


def _choices(r: Any, me: CurrentUser) -> dict[str, Any]:
    outlets = r.execute(select(Source.id, Source.name).order_by(Source.name).limit(MAX_OUTLETS)).all()
    saved = r.scalars(select(SavedSearch).where(SavedSearch.user_id == me.user_id)
                      .order_by(SavedSearch.name).limit(MAX_SAVED_LISTED)).all()
    vi = current_locale() == "vi"
    topics = [(t.key, t.vi if vi else t.en) for t in TOPICS]
    return {"outlets": outlets, "saved": saved, "topics": topics, "relevances": RELEVANCES, "languages": LANGUAGES,
            "relevance_labels": RELEVANCE_LABELS, "language_labels": LANGUAGE_LABELS}


@router.get("/search", dependencies=[page("viewer")])
def search_page(request: Request, rs: ReadSessionDep, ctx: CtxDep, me: CurrentUser,
                q: Annotated[str, Query(max_length=MAX_FORM_Q_CHARS)] = "", topic: Field = "",
                relevance: Field = "", source_id: Field = "", language: Field = "",
                date_from: Annotated[str, Query(alias="from", max_length=MAX_FIELD_CHARS)] = "",
                date_to: Annotated[str, Query(alias="to", max_length=MAX_FIELD_CHARS)] = "",
                search_id: Annotated[int | None, Query(ge=1, le=MAX_INT32_ID)] = None,
                before: Annotated[int | None, Query(ge=1, le=MAX_INT64_ID)] = None,
                note: Field = "", save_name: Annotated[str, Query(max_length=NAME_FIELD_CHARS)] = "") -> Response:
    if search_id is not None:  # run a saved search: its query and filters fill the form
        form = form_of(saved_filters(rs, search_id, me))
        rs.rollback()  # end this read here: the results are read in a snapshot begun after the audit row
    else:
        form = SearchForm(q=q, topic=topic, relevance=relevance, source_id=source_id, language=language,
                          date_from=date_from, date_to=date_to)
    filters, query = read_form(form)
    items: list[dict[str, Any]] = []
    more = False
    if filters is not None:
        # audit first, then output (docs/principles.md, principle 3), as GET /api/v1/articles does
        audit.record_read(ctx.sessions, me.actor, "articles.search", audit_target="articles",
                          **filters.as_detail(), **({"search_id": search_id} if search_id else {}), ui=True)
    with ctx.read_sessions() as r:
        if filters is not None:
            dialect = r.get_bind().dialect.name
            rows = r.execute(article_query(filters, dialect, before_id=before, limit=PAGE_SIZE + 1,
                                           with_text=filters.q is not None, query=query)).all()
            searched = query if filters.q is not None and query is not None and not query.empty else None
            found = [article_item(row, searched) for row in rows[:PAGE_SIZE]]
            more = len(rows) > PAGE_SIZE
            stories = _stories(r, {a.cluster_id for a in found if a.cluster_id is not None})
            items = [{"a": a, "title": marked(a.title, a.title_spans or []) if a.title else None,
                      "snippet": marked(a.snippet.text, a.snippet.spans) if a.snippet else None,
                      "summary": a.summary if a.snippet is None else None,
                      "story_id": stories.get(a.cluster_id) if a.cluster_id is not None else None} for a in found]
        choices = _choices(r, me)
    context = {"form": form, "results": items, "searched": filters is not None, "understood": understood(query),
               "next_query": form.query_string(before=items[-1]["a"].id) if more and items else None,
               "export_query": export_query(filters) if filters is not None else None,
               "first_page": before is None, "note": NOTES.get(note), "save_name": save_name,
               "page_size": PAGE_SIZE, **choices}
    if request.headers.get("hx-target") == "results":  # htmx: the results only, and a clean URL in the address bar
        push = form.query_string(before=before)
        return render(request, "search_results.html", headers={"HX-Push-Url": "/search" + ("?" + push if push else "")},
                      **context)
    return render(request, "search.html", **context)
