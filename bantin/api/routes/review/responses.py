"""A story's response cases and tracked originals (docs/principles.md, principle 2: the queue ends in a public
response or a dismissal). Reads are audited and committed before the answer (principle 3).

Fetching an original (start without a stored article, "check now") goes through
:func:`bantin.responses.fetching.default_fetcher` unless ``app.state.tracking_fetcher`` is set (tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request

from bantin.api.deps import CtxDep, CurrentUser, SessionDep
from bantin.api.listing.pagination import DEFAULT_LIMIT, CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import requires
from bantin.api.schemas.responses import (
    CheckPublic,
    PublishedCreate,
    ResponseCreate,
    ResponsePublic,
    TrackedPublic,
    TrackingCreate,
)
from bantin.app import audit
from bantin.responses import cases, tracking
from bantin.responses.errors import Conflict, FetchFailed, Invalid, NotFound
from bantin.responses.fetching import Fetcher, default_fetcher
from bantin.store.office import TrackedOriginal, TrackingCheck

router = APIRouter(prefix="/stories/{story_id}", tags=["responses"])

# Ids are 64-bit on PostgreSQL; a larger number in the path is a 422, not a database overflow.
MAX_ID = 2**63 - 1
Documented = dict[int | str, dict[str, Any]]
# The refusals a route may answer besides 401/403/422 (documented in the OpenAPI schema).
NOT_FOUND: Documented = {404: {"description": "không tìm thấy (story or tracked original not found)"}}
CONFLICT: Documented = {409: {"description": "xung đột (already tracked, stopped, or checked meanwhile)"}}
BAD_GATEWAY: Documented = {502: {"description": "không tải được bản gốc (the original could not be fetched)"}}
StoryId = Annotated[int, Path(ge=1, le=MAX_ID)]
TrackedId = Annotated[int, Path(ge=1, le=MAX_ID)]


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    except Invalid as exc:
        raise HTTPException(422, str(exc)) from None
    except FetchFailed as exc:
        raise HTTPException(502, str(exc)) from None


def tracking_fetcher(request: Request) -> Fetcher:
    """What fetches originals for this API and the story page (web/routes/story/responses.py)."""
    injected: Fetcher | None = getattr(request.app.state, "tracking_fetcher", None)
    return injected or default_fetcher(request.app.state.ctx.settings)


def _tracked_public(row: TrackedOriginal, checks: list[TrackingCheck]) -> TrackedPublic:
    public = TrackedPublic.model_validate(row)
    public.checks = [CheckPublic.model_validate(c) for c in checks]
    return public


@router.get("/responses", response_model=Page[ResponsePublic], responses=NOT_FOUND,
            dependencies=[requires("viewer")])
def list_responses(story_id: StoryId, s: SessionDep, me: CurrentUser, limit: LimitQ = DEFAULT_LIMIT,
                   cursor: CursorQ = None) -> Page[ResponsePublic]:
    key = decode_cursor(cursor, 1)
    after = key[0] if key else None
    if after is not None and (not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_ID):
        raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
    with _refusals():
        rows = cases.list_responses(s, story_id, limit=limit, after_id=after)
    items = [ResponsePublic.model_validate(r) for r in rows]
    audit.record(s, me.actor, "response.list", audit_target=f"story:{story_id}", count=len(items))
    s.commit()
    return Page(items=items, next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None)


@router.post("/responses", status_code=201, response_model=ResponsePublic, responses={**NOT_FOUND, **CONFLICT},
             dependencies=[requires("reviewer")])
def add_response(story_id: StoryId, body: ResponseCreate, s: SessionDep, me: CurrentUser) -> ResponsePublic:
    with _refusals():
        if isinstance(body, PublishedCreate):
            case = cases.add_published(s, story_id, url=body.url, outlet=body.outlet, at=body.at,
                                       summary=body.summary, actor=me.actor, user_id=me.user_id,
                                       mark_responded=body.mark_responded)
        else:
            case = cases.add_correction_request(s, story_id, outlet=body.outlet, channel=body.channel, at=body.at,
                                                summary=body.summary, actor=me.actor, user_id=me.user_id)
    s.commit()
    return ResponsePublic.model_validate(case)


@router.get("/tracking", response_model=list[TrackedPublic], responses=NOT_FOUND,
            dependencies=[requires("viewer")])
def list_tracking(story_id: StoryId, s: SessionDep, me: CurrentUser) -> list[TrackedPublic]:
    with _refusals():
        rows = tracking.list_tracking(s, story_id)
    out = [_tracked_public(row, checks) for row, checks in rows]
    audit.record(s, me.actor, "tracking.list", audit_target=f"story:{story_id}", count=len(out))
    s.commit()
    return out


@router.post("/tracking", status_code=201, response_model=TrackedPublic,
             responses={**NOT_FOUND, **CONFLICT, **BAD_GATEWAY}, dependencies=[requires("reviewer")])
def start_tracking(story_id: StoryId, request: Request, ctx: CtxDep, me: CurrentUser,
                   body: TrackingCreate | None = None) -> TrackedPublic:
    with _refusals():
        tracked_id = tracking.start_tracking(ctx, story_id, actor=me.actor, url=body.url if body else None,
                                             fetch=tracking_fetcher(request))
    with ctx.read_sessions() as s:
        return _tracked_public(tracking.get_tracked(s, story_id, tracked_id), [])


@router.delete("/tracking/{tracked_id}", response_model=TrackedPublic, responses=NOT_FOUND,
               dependencies=[requires("reviewer")])
def stop_tracking(story_id: StoryId, tracked_id: TrackedId, s: SessionDep, me: CurrentUser) -> TrackedPublic:
    with _refusals():
        row = tracking.stop_tracking(s, story_id, tracked_id, actor=me.actor)
    s.commit()
    return _tracked_public(row, tracking.latest_checks(s, row.id))


@router.post("/tracking/{tracked_id}/check", response_model=TrackedPublic,
             responses={**NOT_FOUND, **CONFLICT}, dependencies=[requires("reviewer")])
def check_now(story_id: StoryId, tracked_id: TrackedId, request: Request, ctx: CtxDep,
              me: CurrentUser) -> TrackedPublic:
    with _refusals():
        tracking.check_now(ctx, story_id, tracked_id, tracking_fetcher(request), actor=me.actor)  # fetches, commits
    with ctx.read_sessions() as s:
        row = tracking.get_tracked(s, story_id, tracked_id)
        return _tracked_public(row, tracking.latest_checks(s, row.id))
