"""The audit log (admin): filters (actor, action, target, a date range in Vietnam time), newest first, keyset
pages back in time. It is read through GET /api/v1/audit's function, so reading the log is itself audited
and committed before any row is shown (principle 3, docs/principles.md)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.routes import audit as audit_api
from bantin.api.schemas.tokens import LINE_PATTERN
from bantin.web import i18n
from bantin.web.guard import page
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# One screen of events; "older" pages further back (the API's default page).
PAGE_SIZE = 50
# Filter values are one printable line (the API's LINE_PATTERN).
_LINE = re.compile(LINE_PATTERN)
# The actions officers see most, by their code; anything else is shown by its code.
COMMON_ACTIONS = ("auth.login", "auth.login_failed", "auth.logout", "queue.read", "story.read", "story.update",
                  "story.note", "export", "articles.search", "audit.read", "users.create", "users.update",
                  "tokens.create", "tokens.revoke", "rule.create", "rule.update", "rule.delete", "response_time.set",
                  "model.promote", "model.rollback", "model.uncertain", "labels.replace", "labels.remove")


def action_label(action: str) -> str:
    labels = {
        "auth.login": i18n._("signed in"), "auth.logout": i18n._("signed out"),
        "queue.read": i18n._("read the queue"), "audit.read": i18n._("read the audit log"),
        "users.create": i18n._("created a user"), "users.update": i18n._("changed a user"),
        "tokens.create": i18n._("issued an API token"), "tokens.revoke": i18n._("revoked an API token"),
        "rule.create": i18n._("created a queue rule"), "rule.update": i18n._("changed a queue rule"),
        "rule.delete": i18n._("deleted a queue rule"), "response_time.set": i18n._("set a response time"),
        "model.promote": i18n._("promoted a model version"), "model.rollback": i18n._("rolled a model back"),
        "model.uncertain": i18n._("listed articles to label"), "labels.replace": i18n._("replaced a label"),
        "labels.remove": i18n._("removed a label"), "story.update": i18n._("changed a story"),
        "story.read": i18n._("opened a story"), "story.note": i18n._("added a note to a story"),
        "export": i18n._("exported data"), "articles.search": i18n._("searched articles"),
        "auth.login_failed": i18n._("failed to sign in"),
    }
    return labels.get(action, action)


def details(detail: Any) -> list[tuple[str, str]]:
    """The event's details as key: value lines (nested values as compact text)."""
    import json

    if isinstance(detail, dict):
        return [(str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in detail.items()]
    return [] if detail is None else [("", detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False))]


def _day_start_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=i18n.VN_TZ).astimezone(UTC)


Text = Annotated[str, Query(max_length=audit_api.MAX_TARGET_CHARS)]


@router.get("/admin/audit", dependencies=[page("admin")])
def audit_page(request: Request, s: SessionDep, me: CurrentUser, actor: Text = "", action: Text = "",
               target: Text = "", since: Annotated[str, Query(alias="from", max_length=10)] = "",
               until: Annotated[str, Query(alias="to", max_length=10)] = "",
               cursor: Annotated[str, Query(max_length=100)] = "") -> Response:
    form = {"actor": actor.strip(), "action": action.strip(), "target": target.strip(), "from": since, "to": until}
    error = None
    start = end = None
    try:
        start = _day_start_utc(date.fromisoformat(since)) if since else None
        end = _day_start_utc(date.fromisoformat(until) + timedelta(days=1)) if until else None  # "to" is inclusive
    except ValueError:
        error = i18n._("Dates are written as year-month-day, such as 2026-12-01.")
    if not all(_LINE.match(v) for v in (form["actor"], form["action"], form["target"])):
        error = i18n._("Filters are one line of text.")
    page_ = None
    if error is None:
        page_ = audit_api.list_audit(s, me, limit=PAGE_SIZE, cursor=cursor or None, actor=form["actor"] or None,
                                     action=form["action"] or None, target=form["target"] or None, from_=start,
                                     to=end)
    query = urlencode({k: v for k, v in form.items() if v})
    htmx = request.headers.get("hx-request") == "true"
    # htmx pushes the URL without the empty fields (a link to exactly these filters)
    here = urlencode({k: v for k, v in {**form, "cursor": cursor}.items() if v})
    pushed = {"HX-Push-Url": "/admin/audit" + (f"?{here}" if here else "")} if htmx else None
    return render(request, "admin_audit_rows.html" if htmx else "admin_audit.html", headers=pushed,
                  status_code=422 if error else 200, events=page_.items if page_ else [],
                  next_cursor=page_.next_cursor if page_ else None, form=form, query=query, error=error,
                  common_actions=COMMON_ACTIONS, action_label=action_label, details=details, tab="audit",
                  paged=bool(cursor))
