"""The response case on the story page (reviewer and above record; everyone reads): a published response
or a correction request, as ``POST /api/v1/stories/{id}/responses`` records them (``responses.cases``),
and the tracking of the original: start, stop, check now (``responses.tracking``, with the API's fetcher).
A refusal re-renders the page with the one-line reason and what was typed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from bantin.api.deps import CtxDep, CurrentUser, SessionDep
from bantin.api.routes.review.responses import tracking_fetcher
from bantin.api.schemas.stories import MAX_ID
from bantin.responses import cases, tracking
from bantin.responses.cases import CHANNELS, KINDS, MAX_OUTLET_CHARS, MAX_SUMMARY_CHARS
from bantin.responses.errors import Conflict, FetchFailed, Invalid, NotFound
from bantin.store.schema import URL_MAX
from bantin.web.guard import page
from bantin.web.i18n import _
from bantin.web.routes.story.actions import MAX_LOCAL_TIME_CHARS, parse_local_time
from bantin.web.routes.story.page import StoryId, back, show

router = APIRouter(include_in_schema=False)
TrackedId = Annotated[int, Path(ge=1, le=MAX_ID)]
REFUSALS = (Conflict, FetchFailed, Invalid)


@router.post("/stories/{story_id}/responses", dependencies=[page("reviewer")])
def add_response(
    story_id: StoryId, request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser,
    kind: Annotated[str, Form(max_length=30)] = "",
    url: Annotated[str, Form(max_length=URL_MAX)] = "",
    outlet: Annotated[str, Form(max_length=MAX_OUTLET_CHARS)] = "",
    channel: Annotated[str, Form(max_length=30)] = "",
    at: Annotated[str, Form(max_length=MAX_LOCAL_TIME_CHARS)] = "",
    summary: Annotated[str, Form(max_length=MAX_SUMMARY_CHARS)] = "",
    mark_responded: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    typed = {"kind": kind, "url": url, "outlet": outlet, "channel": channel, "at": at, "summary": summary,
             "mark_responded": mark_responded}
    try:
        when = parse_local_time(at)
    except ValueError:
        when = None
    message: str | None = None
    if kind not in KINDS:
        message = _("Choose what was done: a published response or a correction request.")
    elif when is None:
        message = _("Enter the time as day, month, year and time.")
    elif kind == "correction_request" and channel not in CHANNELS:
        message = _("Choose how the correction was requested.")
    if message is None and when is not None:
        try:
            if kind == "published":
                cases.add_published(s, story_id, url=url, outlet=outlet, at=when, summary=summary, actor=me.actor,
                                    user_id=me.user_id, mark_responded=bool(mark_responded))
            else:
                cases.add_correction_request(s, story_id, outlet=outlet, channel=channel, at=when, summary=summary,
                                             actor=me.actor, user_id=me.user_id)
        except NotFound:
            s.rollback()
            return show(request, ctx, me, story_id)  # the 404 page
        except REFUSALS as exc:
            message = str(exc)
    if message is not None:
        s.rollback()
        return show(request, ctx, me, story_id, status=422, error={"where": "response", "text": message},
                    typed=typed)
    s.commit()
    return back(story_id, "response")


def _tracking_refused(request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser, story_id: int,
                      exc: Exception, typed: dict[str, str] | None = None) -> Response:
    s.rollback()
    status = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 422
    return show(request, ctx, me, story_id, status=status, error={"where": "tracking", "text": str(exc)},
                typed=typed or {})


@router.post("/stories/{story_id}/tracking", dependencies=[page("reviewer")])
def start_tracking(story_id: StoryId, request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser,
                   url: Annotated[str, Form(max_length=URL_MAX)] = "") -> Response:
    try:
        tracking.start_tracking(ctx, story_id, actor=me.actor, url=url.strip() or None,
                                fetch=tracking_fetcher(request))
    except (NotFound, *REFUSALS) as exc:
        return _tracking_refused(request, s, ctx, me, story_id, exc, {"track_url": url})
    return back(story_id, "tracking")


@router.post("/stories/{story_id}/tracking/{tracked_id}/stop", dependencies=[page("reviewer")])
def stop_tracking(story_id: StoryId, tracked_id: TrackedId, request: Request, s: SessionDep, ctx: CtxDep,
                  me: CurrentUser) -> Response:
    try:
        tracking.stop_tracking(s, story_id, tracked_id, actor=me.actor)
    except (NotFound, *REFUSALS) as exc:
        return _tracking_refused(request, s, ctx, me, story_id, exc)
    s.commit()
    return back(story_id, "tracking")


@router.post("/stories/{story_id}/tracking/{tracked_id}/check", dependencies=[page("reviewer")])
def check_now(story_id: StoryId, tracked_id: TrackedId, request: Request, s: SessionDep, ctx: CtxDep,
              me: CurrentUser) -> Response:
    try:
        tracking.check_now(ctx, story_id, tracked_id, tracking_fetcher(request), actor=me.actor)
    except (NotFound, *REFUSALS) as exc:
        return _tracking_refused(request, s, ctx, me, story_id, exc)
    return back(story_id, "tracking")
