"""The story page ``/stories/{id}`` (issue #10): the origin's text, every copy and the timeline of how it
spread, topics and province relevance with the places found, the labelling block (analysts), the queue's
actions, notes and history (reviewers), the response cases and the tracking of the original.

Principle 3 (docs/principles.md): every rendering of a story writes its ``story.read`` audit row and
commits it before the story is read for output, as ``GET /api/v1/stories/{id}`` does. The forms of the
page post to actions.py, labels.py and responses.py beside it, which answer with a
redirect back here (plain forms) or the re-rendered part (htmx), and on a refusal re-render the page with
a one-line message and what the user typed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response

from bantin.api.deps import CtxDep, CurrentUser
from bantin.api.roles import Principal
from bantin.api.schemas.stories import MAX_ID
from bantin.app import audit
from bantin.app.context import AppContext
from bantin.store.office import Story
from bantin.store.types import utcnow
from bantin.web.guard import page
from bantin.web.i18n import _
from bantin.web.routes.story.view import load
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
StoryId = Annotated[int, Path(ge=1, le=MAX_ID)]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def back(story_id: int, anchor: str) -> Response:
    """After a change: the page again (POST, redirect, GET), at the part that changed."""
    return RedirectResponse(f"/stories/{story_id}#{anchor}", status_code=303)


def show(request: Request, ctx: AppContext, me: Principal, story_id: int, *, status: int = 200,
         template: str = "story.html", **extra: Any) -> Response:
    """Audit the read (committed first), then read the story and render ``template`` (the page or a part).

    htmx swaps only 2xx answers: a refusal sent to htmx comes back as 200 with its message in the part."""
    audit.record_read(ctx.sessions, me.actor, "story.read", audit_target=f"story:{story_id}",
                      ui=True)  # the record first (principle 3)
    with ctx.read_sessions() as r:
        story = r.get(Story, story_id)
        if story is None:
            raise HTTPException(404, _("There is no story with this number."))
        data = load(r, story, utcnow())
    if is_htmx(request) and status >= 400:
        status = 200
    return render(request, template, status_code=status, **data, **extra)


@router.get("/stories/{story_id}", dependencies=[page("viewer")])
def story_page(story_id: StoryId, request: Request, ctx: CtxDep, me: CurrentUser) -> Response:
    return show(request, ctx, me, story_id)
