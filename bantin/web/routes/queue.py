"""The home page: the review queue of stories (docs/queue.md). Audited before it is rendered (principle 3,
docs/principles.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bantin.api.deps import CtxDep, CurrentUser, SessionDep
from bantin.api.story_views import story_public
from bantin.app import audit
from bantin.queue.listing import StoryFilters, story_counts, story_query
from bantin.store.types import utcnow
from bantin.web.guard import page
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# One screen of stories at 1366x768 with room to scroll; more come by "next page".
PAGE_SIZE = 50


@router.get("/", dependencies=[page("viewer")])
def queue_page(request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser) -> Response:
    f = StoryFilters()
    audit.record(s, me.actor, "queue.read", audit_target="queue", filters=f.for_audit(), limit=PAGE_SIZE, ui=True)
    s.commit()  # the record first (principle 3)
    now = utcnow()
    with ctx.read_sessions() as r:
        stories = [story_public(row, now) for row in r.scalars(story_query(f, now).limit(PAGE_SIZE))]
        per_state, overdue = story_counts(r, f, now)
    return render(request, "queue.html", stories=stories, counts=per_state, overdue=overdue)
