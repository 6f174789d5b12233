"""The home page: the review queue of stories (docs/queue.md): counts per state that filter, the filter
form, the list (keyset pages, the API's cursor), bulk changes and "assign to me" for reviewers.

Principle 3 (docs/principles.md): each render of the list and of the counts writes its ``queue.read``
audit row, with the filters, and commits it before anything is read for output, as the API routes do.
An htmx request (filters, next page, bulk action) gets the results fragment only; the page works without.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from bantin.api.deps import CtxDep, CurrentUser, SessionDep
from bantin.api.listing.pagination import encode_cursor
from bantin.api.listing.story_views import story_public
from bantin.api.roles import Principal
from bantin.api.schemas.stories import MAX_BULK_IDS, MAX_REASON_CHARS
from bantin.app import audit
from bantin.app.context import AppContext
from bantin.queue.listing import story_counts, story_query
from bantin.store.types import utcnow
from bantin.web.guard import page
from bantin.web.routes.queue.bulk import MAX_ROW_CHARS, BulkResult, run_assign_to_me, run_bulk
from bantin.web.routes.queue.params import parse_query
from bantin.web.routes.queue.view import choices, first_steps, template_helpers
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
RESULTS_ID = "queue-results"  # the fragment htmx swaps
# The filters a bulk form carries back (a query string of this page; the API's bounds apply when parsed).
MAX_BACK_CHARS = 4000
RowsForm = Annotated[list[str], Form(max_length=MAX_BULK_IDS)]
BackForm = Annotated[str, Form(max_length=MAX_BACK_CHARS)]


def _fragment_only(request: Request) -> bool:
    return (request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == RESULTS_ID
            and request.headers.get("hx-history-restore-request") != "true")


def show(request: Request, s: Session, ctx: AppContext, me: Principal, qp: QueryParams,
         result: BulkResult | None = None) -> Response:
    q = parse_query(me, qp)
    audit.record(s, me.actor, "queue.read", audit_target="queue", filters=q.filters.for_audit(), limit=q.limit,
                 ui=True)
    audit.record(s, me.actor, "queue.read", audit_target="queue", counts=True,
                 filters={k: v for k, v in q.filters.for_audit().items()
                          if k not in ("states", "overdue", "before_id")}, ui=True)
    s.commit()  # the records first (principle 3)
    now = utcnow()
    with ctx.read_sessions() as r:
        rows = list(r.scalars(story_query(q.filters, now).limit(q.limit + 1)))
        per_state, overdue = story_counts(r, q.filters, now)
        opts = choices(r)
        steps = first_steps(r) if not rows and not q.filtered and q.cursor is None else None
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    stories = [story_public(row, now) for row in rows]
    next_link = q.link(cursor=encode_cursor(rows[-1].id)) if more and rows else None
    template = "queue_results.html" if _fragment_only(request) else "queue.html"
    return render(request, template, q=q, stories=stories, counts=per_state, overdue=overdue,
                  total=sum(per_state.values()), opts=opts, steps=steps, next_link=next_link, result=result,
                  results_id=RESULTS_ID, back=q.link(cursor=q.cursor).removeprefix("/").removeprefix("?"),
                  poll_minutes=max(1, ctx.settings.poll_min_s // 60), **template_helpers())


@router.get("/", dependencies=[page("viewer")])
def queue_page(request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser) -> Response:
    return show(request, s, ctx, me, request.query_params)


@router.get("/queue/bulk", dependencies=[page("viewer")])
@router.get("/queue/assign-to-me", dependencies=[page("viewer")])
def back_to_queue() -> Response:
    """The address a plain (no-JS) form post leaves in the browser: reloading or the language toggle
    lands on the queue instead of a 405."""
    return RedirectResponse("/", status_code=303)


@router.post("/queue/bulk", dependencies=[page("reviewer")])
def queue_bulk(request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser, ids: RowsForm = [],  # noqa: B006
               action: Annotated[str, Form(max_length=20)] = "",
               owner_id: Annotated[str, Form(max_length=20)] = "",
               priority: Annotated[str, Form(max_length=20)] = "",
               reason: Annotated[str, Form(max_length=MAX_REASON_CHARS)] = "", back: BackForm = "") -> Response:
    """The checked rows and one action; the page again (same filters) with the result."""
    result = run_bulk(s, me, [i[:MAX_ROW_CHARS + 1] for i in ids], action, owner_id.strip(), priority.strip(), reason)
    return show(request, s, ctx, me, QueryParams(back), result)


@router.post("/queue/assign-to-me", dependencies=[page("reviewer")])
def queue_assign_to_me(request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser,
                       story: Annotated[str, Form(max_length=MAX_ROW_CHARS)] = "", back: BackForm = "") -> Response:
    """Take one story (the row's "assign to me" button or the ``a`` key)."""
    return show(request, s, ctx, me, QueryParams(back), run_assign_to_me(s, me, story))
