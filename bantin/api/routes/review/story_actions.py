"""Working the review queue (reviewer): change a story, bulk changes, assign to me, notes.

Every change checks the story's version (409 when stale), follows ``queue.states`` (422 with the reason
when refused), and writes its history and audit rows in the same transaction (``queue.actions``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.listing.story_views import http_error, story_public
from bantin.api.roles import requires
from bantin.api.schemas.stories import (
    MAX_ID,
    AssignToMe,
    BulkAction,
    BulkItem,
    BulkResult,
    NoteCreate,
    NotePublic,
    StoryPublic,
    StoryUpdate,
)
from bantin.queue.actions import (
    UNSET,
    StaleVersion,
    StoryChange,
    StoryNotFound,
    add_note,
    apply_bulk,
    apply_change,
)
from bantin.queue.states import TransitionRefused
from bantin.store.types import utcnow

router = APIRouter(prefix="/stories", tags=["stories"])
StoryId = Annotated[int, Path(ge=1, le=MAX_ID)]
_REFUSALS = (StoryNotFound, StaleVersion, TransitionRefused)


def _change(body: StoryUpdate | BulkAction, version: int | None) -> StoryChange:
    sent = body.model_fields_set  # a field left out is left as it is; an explicit null clears it
    return StoryChange(version=version, state=body.state, priority=body.priority,
                       owner_id=body.owner_id if "owner_id" in sent else UNSET,
                       due_at=body.due_at if "due_at" in sent else UNSET,
                       dismissed_reason=body.dismissed_reason, reason=body.reason)


def _apply(s: Session, story_id: int, change: StoryChange, actor: str) -> StoryPublic:
    try:
        story = apply_change(s, story_id, change, actor)
    except _REFUSALS as exc:
        s.rollback()
        raise http_error(exc) from None
    s.commit()
    return story_public(story, utcnow())


@router.patch("/{story_id}", response_model=StoryPublic, dependencies=[requires("reviewer")])
def update_story(story_id: StoryId, body: StoryUpdate, s: SessionDep, me: CurrentUser) -> StoryPublic:
    """Change state, owner, priority (the due date follows it) or due date, at the version read."""
    return _apply(s, story_id, _change(body, body.version), me.actor)


@router.post("/{story_id}/assign-to-me", response_model=StoryPublic, dependencies=[requires("reviewer")])
def assign_to_me(story_id: StoryId, s: SessionDep, me: CurrentUser, body: AssignToMe | None = None) -> StoryPublic:
    """Take the story: a new or triaged story becomes assigned; an assigned one changes owner."""
    return _apply(s, story_id, StoryChange(version=body.version if body else None, owner_id=me.user_id), me.actor)


@router.post("/bulk", response_model=BulkResult, dependencies=[requires("reviewer")])
def bulk(body: BulkAction, s: SessionDep, me: CurrentUser) -> BulkResult:
    """One change to many stories, each at its current version; one result per id, in order."""
    items: list[BulkItem] = []
    for done in apply_bulk(s, body.ids, _change(body, None), me.actor):
        if done.error is None:
            assert done.story is not None
            items.append(BulkItem(id=done.story_id, status=200, version=done.story.version))
        else:
            err = http_error(done.error)
            items.append(BulkItem(id=done.story_id, status=err.status_code, detail=str(err.detail)))
    s.commit()
    return BulkResult(items=items)


@router.post("/{story_id}/notes", response_model=NotePublic, status_code=201, dependencies=[requires("reviewer")])
def create_note(story_id: StoryId, body: NoteCreate, s: SessionDep, me: CurrentUser) -> Any:
    try:
        note = add_note(s, story_id, body.text, me.user_id, me.actor)
    except _REFUSALS as exc:
        s.rollback()
        raise http_error(exc) from None
    s.commit()
    return NotePublic(id=note.id, user_id=note.user_id, text=note.text, created_at=note.created_at)
