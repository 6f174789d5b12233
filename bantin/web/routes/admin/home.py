"""The administration area (admin only): its entry page and what its pages share (the tabs, the lookup of
the messages a redirect carries, the turn-off and turn-on routes). The pages, beside it: users.py (users and
API tokens), rules.py (queue rules and response times), audit.py (the audit log), alerts.py, webhooks.py and
subscriptions.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bantin.api.deps import CurrentUser, SessionDep
from bantin.app import audit
from bantin.web import i18n
from bantin.web.guard import page

router = APIRouter(include_in_schema=False)
# Rows of the admin lists shown at once: more users, tokens or rules than this is not one office's.
MAX_LISTED = 200
# Ids in an admin page's paths: the database's integer range (a larger one is a 422, not a query).
MAX_ITEM_ID = 2**31 - 1
ItemId = Annotated[int, Path(ge=1, le=MAX_ITEM_ID)]
# Turns an item off (False) or on (True) in the session, 404 when there is none; returns its audit target
# and the audit row's details.
Switch = Callable[[Session, int, bool], tuple[str, dict[str, Any]]]


def switch_routes(router: APIRouter, base: str, audit_prefix: str, switch: Switch) -> None:
    """``POST {base}/{id}/disable`` and ``/enable`` (admin): ``switch`` turns the item off or on, the change is
    audited as ``{audit_prefix}.disable`` / ``.enable`` and committed, the answer redirects to
    ``{base}?done=disabled`` / ``enabled``."""
    for on, action in ((False, "disable"), (True, "enable")):
        router.add_api_route(f"{base}/{{item_id}}/{action}", _switch_route(base, audit_prefix, switch, on, action),
                             methods=["POST"], dependencies=[page("admin")], name=f"{audit_prefix}_{action}")


def _switch_route(base: str, audit_prefix: str, switch: Switch, on: bool, action: str) -> Callable[..., Response]:
    def route(item_id: ItemId, s: SessionDep, me: CurrentUser) -> Response:
        target, details = switch(s, item_id, on)
        audit.record(s, me.actor, f"{audit_prefix}.{action}", audit_target=target, **details)
        s.commit()
        return RedirectResponse(f"{base}?done={action}d", status_code=303)
    return route


def done_message(code: str | None) -> str | None:
    """The confirmation a POST-redirect-GET carries as ``?done=CODE`` (never free text from the URL)."""
    messages = {
        "user_created": i18n._("The user was created."),
        "user_updated": i18n._("The user was updated."),
        "token_revoked": i18n._("The token was revoked; it no longer works."),
        "rule_created": i18n._("The rule was created."),
        "rule_updated": i18n._("The rule was saved."),
        "rule_deleted": i18n._("The rule was deleted; the stories it admitted stay in the queue."),
        "time_set": i18n._("The response time was saved."),
    }
    return messages.get(code or "")


@router.get("/admin", dependencies=[page("admin")])
def admin_home() -> Response:
    return RedirectResponse("/admin/users", status_code=303)
