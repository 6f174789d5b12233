"""Bulk changes from the queue page (reviewer): the form's checked rows and one action, applied through
``queue.actions.apply_bulk`` as POST /api/v1/stories/bulk does (the API's ``BulkAction`` checks the
values and bounds; each story gets its history and audit rows; a story changed since the page was read
is refused with "reload" instead of being overwritten), and "assign to me" on one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bantin.api.roles import Principal
from bantin.api.schemas.stories import MAX_BULK_IDS, MAX_ID, BulkAction
from bantin.queue.actions import UNSET, StaleVersion, StoryChange, StoryNotFound, apply_bulk
from bantin.web import i18n

ACTIONS = ("triage", "assign", "priority", "dismiss", "reopen")
# "id:version" of a checked row: two 64-bit numbers at most.
MAX_ROW_CHARS = 41
_ROW = re.compile(r"^(\d{1,19}):(\d{1,19})$")
# Domain refusals read "tiếng Việt (English)": the page shows the reader's half.
_BILINGUAL = re.compile(r"^(?P<vi>.*?) \((?P<en>[^()]*(?:\([^()]*\)[^()]*)*)\)$", re.S)


@dataclass
class BulkResult:
    message: str = ""
    errors: list[str] = field(default_factory=list)


def parse_rows(rows: list[str]) -> dict[int, int] | None:
    """{story id: version read} of the checked rows; None when a value is not ours."""
    out: dict[int, int] = {}
    for raw in rows[: MAX_BULK_IDS + 1]:
        m = _ROW.match(raw[:MAX_ROW_CHARS + 1].strip())
        if m is None or not 1 <= int(m.group(1)) <= MAX_ID or not 1 <= int(m.group(2)) <= MAX_ID:
            return None
        out[int(m.group(1))] = int(m.group(2))
    return out if len(rows) <= MAX_BULK_IDS else None


def _body(action: str, ids: list[int], owner_id: str, priority: str, reason: str) -> dict[str, Any]:
    if action == "triage":
        return {"ids": ids, "state": "triaged"}
    if action == "assign":
        return {"ids": ids, "owner_id": owner_id or None}
    if action == "priority":
        return {"ids": ids, "priority": priority or None}
    if action == "dismiss":
        return {"ids": ids, "state": "dismissed", "dismissed_reason": reason}
    return {"ids": ids, "state": "new", "reason": reason}


def _missing(action: str, owner_id: str, priority: str, reason: str) -> str | None:
    if action not in ACTIONS:
        return i18n._("Choose an action.")
    if action == "assign" and not owner_id:
        return i18n._("Choose who the stories go to.")
    if action == "priority" and not priority:
        return i18n._("Choose a priority.")
    if action in ("dismiss", "reopen") and not reason.strip():
        return i18n._("Dismissing or reopening needs a reason: write it in the “Reason” box.")
    return None


def refusal_text(exc: Exception, story_id: int) -> str:
    if isinstance(exc, StoryNotFound):
        return i18n._("Story #%(id)s no longer exists.", id=story_id)
    if isinstance(exc, StaleVersion):
        return i18n._("Story #%(id)s was changed by someone else after this page was loaded; reload and check it.",
                      id=story_id)
    m = _BILINGUAL.match(str(exc))
    why = (m.group("vi") if i18n.current_locale() == "vi" else m.group("en")) if m else str(exc)
    return i18n._("Story #%(id)s was not changed: %(why)s", id=story_id, why=why)


def run_bulk(s: Session, me: Principal, rows: list[str], action: str, owner_id: str = "", priority: str = "",
             reason: str = "") -> BulkResult:
    """Validate, apply and commit; the one-line result and one line per refused story."""
    versions = parse_rows(rows)
    if versions is None:
        return BulkResult(errors=[i18n._("Some of what was sent is not valid")])
    if not versions:
        return BulkResult(errors=[i18n._("Select at least one story (tick its box, or press x on its row).")])
    missing = _missing(action, owner_id, priority, reason)
    if missing:
        return BulkResult(errors=[missing])
    try:
        body = BulkAction.model_validate(_body(action, list(versions), owner_id, priority, reason))
    except ValidationError:
        return BulkResult(errors=[i18n._("Some of what was sent is not valid")])
    change = StoryChange(version=None, state=body.state, priority=body.priority,
                         owner_id=body.owner_id if "owner_id" in body.model_fields_set else UNSET,
                         dismissed_reason=body.dismissed_reason, reason=body.reason)
    outcomes = apply_bulk(s, body.ids, change, me.actor, versions=versions)
    s.commit()
    done = sum(1 for o in outcomes if o.error is None)
    errors = [refusal_text(o.error, o.story_id) for o in outcomes if o.error is not None]
    return BulkResult(message=i18n.ngettext("Updated %(num)s story", "Updated %(num)s stories", done), errors=errors)


def run_assign_to_me(s: Session, me: Principal, row: str) -> BulkResult:
    """POST /stories/{id}/assign-to-me at the version the row showed."""
    versions = parse_rows([row])
    if not versions:
        return BulkResult(errors=[i18n._("Some of what was sent is not valid")])
    story_id = next(iter(versions))
    [outcome] = apply_bulk(s, [story_id], StoryChange(version=None, owner_id=me.user_id), me.actor, versions)
    s.commit()
    if outcome.error is not None:
        return BulkResult(errors=[refusal_text(outcome.error, story_id)])
    return BulkResult(message=i18n._("Story #%(id)s is now yours.", id=story_id))
