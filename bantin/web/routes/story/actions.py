"""The queue's actions on the story page (reviewer and above): a move the transition table allows
(``queue.states``), assign to me or to an officer, priority, due date, notes. Every change goes through
``queue.actions.apply_change`` at the version the page was read at (optimistic concurrency): a stale
version, a refused move or bad input re-renders the page with a one-line message and what was typed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bantin.api.deps import CtxDep, CurrentUser, SessionDep
from bantin.api.schemas.stories import MAX_INT_ID, MAX_REASON_CHARS
from bantin.queue.actions import (
    MAX_NOTE_CHARS,
    StaleVersion,
    StoryChange,
    StoryNotFound,
    add_note,
    apply_change,
)
from bantin.queue.states import TRANSITIONS, TransitionRefused
from bantin.web.guard import page
from bantin.web.i18n import VN_TZ, _
from bantin.web.routes.story.page import StoryId, back, show

router = APIRouter(include_in_schema=False)
# What a change form may ask besides a state of the table: take it, give it, priority, due date.
OTHER_ACTIONS = ("assign_me", "assign", "priority", "due")
# "2026-11-21T10:30" from <input type=datetime-local>, seconds allowed: never longer than this.
MAX_LOCAL_TIME_CHARS = 25
MAX_VERSION = 2**31 - 1


def stale_message() -> str:
    return _("The story was changed by someone else; reload it")


def parse_local_time(value: str) -> datetime | None:
    """A datetime-local field (Vietnam time) as an aware time; "" is None; a bad value raises ValueError."""
    value = value.strip()
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)


def _change(action: str, version: int, me_id: int, owner_id: str, priority: str, due_at: str,
            reason: str) -> StoryChange:
    """The change a form asks for; raises ValueError with the user's message."""
    reason = reason.strip()
    if action in TRANSITIONS:
        if action == "dismissed" and not reason:
            raise ValueError(_("Dismissing needs a reason."))
        if action == "new" and not reason:
            raise ValueError(_("Reopening needs a reason."))
        if action == "assigned":  # assigning needs an owner: the officer chosen, or the caller
            return StoryChange(version=version, state=action, owner_id=_owner(owner_id) or me_id)
        return StoryChange(version=version, state=action, reason=reason or None,
                           dismissed_reason=reason if action == "dismissed" else None)
    if action == "assign_me":
        return StoryChange(version=version, owner_id=me_id)
    if action == "assign":
        owner = _owner(owner_id)
        if owner is None:
            raise ValueError(_("Choose the officer to assign the story to."))
        return StoryChange(version=version, owner_id=owner)
    if action == "priority":
        return StoryChange(version=version, priority=priority)
    if action == "due":
        try:
            return StoryChange(version=version, due_at=parse_local_time(due_at))
        except ValueError:
            raise ValueError(_("Enter the due date as day, month, year and time.")) from None
    raise ValueError(_("This action is not known."))


def _owner(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_INT_ID:
        raise ValueError(_("Choose the officer to assign the story to."))
    return int(value)


@router.post("/stories/{story_id}/change", dependencies=[page("reviewer")])
def change_story(
    story_id: StoryId, request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser,
    version: Annotated[int, Form(ge=1, le=MAX_VERSION)],
    action: Annotated[str, Form(max_length=20)],
    owner_id: Annotated[str, Form(max_length=12)] = "",
    priority: Annotated[str, Form(max_length=10)] = "",
    due_at: Annotated[str, Form(max_length=MAX_LOCAL_TIME_CHARS)] = "",
    reason: Annotated[str, Form(max_length=MAX_REASON_CHARS)] = "",
) -> Response:
    typed = {"action": action, "reason": reason, "due_at": due_at, "priority": priority, "owner_id": owner_id}
    try:
        change = _change(action, version, me.user_id, owner_id, priority, due_at, reason)
        apply_change(s, story_id, change, me.actor)
    except StoryNotFound:
        s.rollback()
        return show(request, ctx, me, story_id)  # the 404 page
    except StaleVersion:
        s.rollback()
        return _refused(request, ctx, me, story_id, stale_message(), typed, 409)
    except (TransitionRefused, ValueError) as exc:
        s.rollback()
        return _refused(request, ctx, me, story_id, str(exc), typed, 422)
    s.commit()
    return back(story_id, "work")


def _refused(request: Request, ctx: CtxDep, me: CurrentUser, story_id: int, message: str,
             typed: dict[str, str], status: int, where: str = "work") -> Response:
    return show(request, ctx, me, story_id, status=status, error={"where": where, "text": message},
                typed=typed)


@router.post("/stories/{story_id}/notes", dependencies=[page("reviewer")])
def create_note(story_id: StoryId, request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser,
                text: Annotated[str, Form(max_length=MAX_NOTE_CHARS)] = "") -> Response:
    typed = {"note": text}
    if not text.strip():
        return _refused(request, ctx, me, story_id, _("A note cannot be empty."), typed, 422, "notes")
    try:
        add_note(s, story_id, text, me.user_id, me.actor)
    except StoryNotFound:
        s.rollback()
        return show(request, ctx, me, story_id)
    except TransitionRefused as exc:
        s.rollback()
        return _refused(request, ctx, me, story_id, str(exc), typed, 422, "notes")
    s.commit()
    return back(story_id, "notes")
