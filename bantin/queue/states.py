"""The states of a story and the moves between them (enforced by ``actions.apply_change``).

::

    new        -> triaged | assigned | dismissed
    triaged    -> assigned | dismissed
    assigned   -> responding | dismissed | triaged   (back to triaged: the owner is cleared)
    responding -> responded | dismissed
    dismissed  -> new                                (reopen, with a reason)
    responded  -> new                                (reopen, with a reason: the outlet ran it again)

Rules beside the table: dismissing needs a reason (``dismissed_reason``); reopening needs a reason;
``assigned`` and ``responding`` need an owner, a staff account of role reviewer or above that is not
disabled; giving a ``new`` or ``triaged`` story an owner assigns it. ``responded`` and ``dismissed`` are
closed: only reopening (and notes) touch a closed story. There is no state for dissent (principle 2).
"""

from __future__ import annotations

from bantin.store.office import CLOSED_STATES, STORY_STATES
from bantin.store.office import OPEN_STATES as OPEN_STATES  # the queue's listing and views read it here

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"triaged", "assigned", "dismissed"}),
    "triaged": frozenset({"assigned", "dismissed"}),
    "assigned": frozenset({"responding", "dismissed", "triaged"}),
    "responding": frozenset({"responded", "dismissed"}),
    "dismissed": frozenset({"new"}),
    "responded": frozenset({"new"}),
}
OWNED_STATES = frozenset({"assigned", "responding"})
# How far along a story is, for merging two stories (the more advanced state is kept): a dismissal is a
# decision but less work than any triage, so a worked story never loses its state to a dismissed one.
PROGRESS = {"new": 0, "dismissed": 1, "triaged": 2, "assigned": 3, "responding": 4, "responded": 5}
# Roles that may own a story (the API's role order: viewer < reviewer < analyst < admin).
OWNER_ROLES = frozenset({"reviewer", "analyst", "admin"})

assert set(TRANSITIONS) == set(STORY_STATES) == set(PROGRESS)


class TransitionRefused(ValueError):
    """A change the rules above refuse; the message is for the user (Vietnamese, English in parentheses)."""


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS:
        raise TransitionRefused(f"trạng thái không tồn tại: {target} (unknown state)")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current]))
        raise TransitionRefused(
            f"không thể chuyển từ {current} sang {target}; được phép: {allowed} "
            f"(cannot move from {current} to {target}; allowed: {allowed})")


def is_reopen(current: str, target: str) -> bool:
    return current in CLOSED_STATES and target == "new"
