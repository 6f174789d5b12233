"""Changing a story: state, owner, priority, due date, notes. Each change checks the story's version
(optimistic concurrency: two officers on one story; the second write is refused, never silently lost),
bumps it, and writes a history row per changed field and one audit row, in the caller's transaction.
The caller commits (nothing is written on a refusal: every check runs before the first write).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bantin.app import audit
from bantin.queue.due import due_for
from bantin.queue.states import (
    CLOSED_STATES,
    OWNED_STATES,
    OWNER_ROLES,
    TransitionRefused,
    check_transition,
    is_reopen,
)
from bantin.store.office import PRIORITIES, Story, StoryEvent, StoryNote, User
from bantin.store.types import utcnow


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "leave as it is", where None means "clear"


class StoryNotFound(LookupError):
    pass


class StaleVersion(Exception):
    def __init__(self, current: int) -> None:
        super().__init__(f"phiên bản cũ; phiên bản hiện tại là {current} (stale version; the story is now at "
                         f"version {current}: reload it)")
        self.current = current


@dataclass(frozen=True)
class StoryChange:
    """What to change; ``version`` None skips the version check (bulk actions act on the current story)."""

    version: int | None
    state: str | None = None
    owner_id: Any = UNSET  # int | None | UNSET
    priority: str | None = None
    due_at: Any = UNSET  # datetime | None | UNSET
    dismissed_reason: str | None = None
    reason: str | None = None  # why (required to reopen; kept in the history row)


def apply_change(session: Session, story_id: int, change: StoryChange, actor: str,
                 now: datetime | None = None) -> Story:
    """Apply ``change``; raises StoryNotFound, StaleVersion or TransitionRefused (nothing written then)."""
    now = now or utcnow()
    story = session.get(Story, story_id, populate_existing=True)
    if story is None:
        raise StoryNotFound(story_id)
    if change.version is not None and change.version != story.version:
        raise StaleVersion(story.version)
    new = _plan(session, story, change)
    if not new:
        return story
    expected = story.version
    claimed = session.execute(update(Story).where(Story.id == story.id, Story.version == expected)
                              .values(version=expected + 1).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]  # another writer got in between: nothing written
        raise StaleVersion(expected + 1)
    old = {k: getattr(story, k) for k in new}
    for key, value in new.items():
        setattr(story, key, value)
    story.version, story.updated_at = expected + 1, now
    _history(session, story, old, new, change, actor, now)
    audit.record(session, actor, "story.update", audit_target=f"story:{story.id}", version=story.version,
                 changes={k: [_j(old[k]), _j(v)] for k, v in new.items()}, reason=change.reason)
    session.flush()
    return story


def _plan(session: Session, story: Story, change: StoryChange) -> dict[str, Any]:
    """The new values of the fields that change (raises TransitionRefused)."""
    new: dict[str, Any] = {}
    target = change.state if change.state and change.state != story.state else None
    owner = story.owner_id if change.owner_id is UNSET else change.owner_id
    if target is None and owner is not None and owner != story.owner_id and story.state in ("new", "triaged"):
        target = "assigned"  # giving an unowned story an owner assigns it
    if target is not None:
        check_transition(story.state, target)
        new["state"] = target
        if target == "dismissed":
            if not (change.dismissed_reason or "").strip():
                raise TransitionRefused("bỏ qua cần có lý do (dismissing needs a reason: dismissed_reason)")
            new["dismissed_reason"] = change.dismissed_reason.strip()  # type: ignore[union-attr]
        if is_reopen(story.state, target):
            if not (change.reason or "").strip():
                raise TransitionRefused("mở lại cần có lý do (reopening needs a reason: reason)")
            new["dismissed_reason"], owner = None, None
        if target == "triaged":
            owner = None  # back from assigned: nobody owns it
    elif story.state in CLOSED_STATES and (change.owner_id is not UNSET or change.priority or change.due_at is not UNSET):
        raise TransitionRefused(f"tin đã đóng ({story.state}); hãy mở lại trước (the story is closed; reopen it first)")
    state = new.get("state", story.state)
    if state in OWNED_STATES and owner is None:
        raise TransitionRefused(f"trạng thái {state} cần người phụ trách (the {state} state needs an owner: owner_id)")
    if owner != story.owner_id:
        if owner is not None:
            _check_owner(session, owner)
        new["owner_id"] = owner
    if change.priority and change.priority != story.priority:
        if change.priority not in PRIORITIES:
            raise TransitionRefused(f"mức ưu tiên không tồn tại: {change.priority} (unknown priority)")
        new["priority"] = change.priority
        new["due_at"] = due_for(session, change.priority, story.created_at)
    if change.due_at is not UNSET and change.due_at != story.due_at:
        new["due_at"] = _utc(change.due_at)
    if "due_at" in new and new["due_at"] == story.due_at:
        del new["due_at"]
    return new


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise TransitionRefused("hạn xử lý cần múi giờ (due_at needs a timezone)")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise TransitionRefused("hạn xử lý ngoài phạm vi (due_at out of range)") from None


def _check_owner(session: Session, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is None or user.disabled or user.role not in OWNER_ROLES:
        raise TransitionRefused("người phụ trách phải là tài khoản reviewer trở lên đang hoạt động "
                                "(the owner must be an enabled account of role reviewer or above)")


def _j(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _history(session: Session, story: Story, old: dict[str, Any], new: dict[str, Any], change: StoryChange,
             actor: str, now: datetime) -> None:
    def add(action: str, from_state: str | None = None, to_state: str | None = None, **detail: Any) -> None:
        session.add(StoryEvent(story_id=story.id, at=now, actor=actor, action=action, from_state=from_state,
                               to_state=to_state, detail=json.dumps(detail, ensure_ascii=False, default=_j)))

    if "state" in new:
        add("state", old["state"], new["state"], reason=change.reason, dismissed_reason=new.get("dismissed_reason"))
    for key in ("owner_id", "priority", "due_at"):
        if key in new:
            add(key.removesuffix("_id").removesuffix("_at"), **{"from": _j(old[key]), "to": _j(new[key])})


# Notes are what an officer writes about a story, not about a person in it (principle 1): bounded, plain text.
MAX_NOTE_CHARS = 10_000


def add_note(session: Session, story_id: int, text: str, user_id: int | None, actor: str,
             now: datetime | None = None) -> StoryNote:
    """A note on a story, with its history row and audit row (no version bump: notes never conflict)."""
    now = now or utcnow()
    if session.get(Story, story_id) is None:
        raise StoryNotFound(story_id)
    text = text.strip()
    if not text or len(text) > MAX_NOTE_CHARS:
        raise TransitionRefused(f"ghi chú phải có 1-{MAX_NOTE_CHARS} ký tự (a note has 1-{MAX_NOTE_CHARS} characters)")
    note = StoryNote(story_id=story_id, user_id=user_id, text=text, created_at=now)
    session.add(note)
    session.flush()
    session.add(StoryEvent(story_id=story_id, at=now, actor=actor, action="note", detail=json.dumps({"note_id": note.id})))
    audit.record(session, actor, "story.note", audit_target=f"story:{story_id}", note_id=note.id, chars=len(text))
    session.flush()
    return note


@dataclass(frozen=True)
class BulkOutcome:
    """One story of a bulk change: the story as changed, or why it was refused (nothing written for it)."""

    story_id: int
    story: Story | None = None
    error: StoryNotFound | StaleVersion | TransitionRefused | None = None


def apply_bulk(session: Session, story_ids: list[int], change: StoryChange, actor: str,
               versions: dict[int, int] | None = None) -> list[BulkOutcome]:
    """``change`` applied to each story once, in the order given, each in its own savepoint (a refusal
    leaves the others); ``versions`` (id -> version read) checks staleness per story, else the current
    version is taken. The API's POST /stories/bulk and the queue page both call this; the caller commits."""
    out: list[BulkOutcome] = []
    for story_id in dict.fromkeys(story_ids):
        one = change if versions is None else replace(change, version=versions.get(story_id))
        try:
            with session.begin_nested():
                story = apply_change(session, story_id, one, actor)
            out.append(BulkOutcome(story_id, story=story))
        except (StoryNotFound, StaleVersion, TransitionRefused) as exc:
            out.append(BulkOutcome(story_id, error=exc))
    return out
