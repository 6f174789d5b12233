"""The administration area (admin only): its entry page and what its pages share (the tabs, the lookup of
the messages a redirect carries). The pages are admin_users.py (users and API tokens), admin_rules.py (queue
rules and response times) and admin_audit.py (the audit log)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from bantin.web import i18n
from bantin.web.guard import page

router = APIRouter(include_in_schema=False)
# Rows of the admin lists shown at once: more users, tokens or rules than this is not one office's.
MAX_LISTED = 200


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
