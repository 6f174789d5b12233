"""Webhook endpoints in the administration area (admin): the endpoints with their URL masked, their state
(and why one is off: a receiver's 410, or an admin) and their last delivery; adding one (its signing secret
shown once, on the answer to the form, never again), turning off and on, removing, through the functions
``bantin webhooks`` uses (bantin.delivery.webhooks), audited with the same action names."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from bantin.api.deps import CurrentUser, SessionDep
from bantin.app import audit
from bantin.delivery.webhooks import (
    DISABLED_BY_ADMIN,
    MAX_NAME_CHARS,
    MAX_URL_CHARS,
    WebhookError,
    add_endpoint,
    last_messages,
    masked_url,
    set_enabled,
)
from bantin.store.delivery import WebhookEndpoint
from bantin.store.types import utcnow
from bantin.web import i18n
from bantin.web.guard import page
from bantin.web.routes.admin.home import MAX_LISTED, ItemId, switch_routes
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)


def _notice(code: str | None) -> str | None:
    return {"removed": i18n._("The webhook was removed; messages still waiting for it will not be sent."),
            "disabled": i18n._("The webhook was turned off; messages waiting for it will not be sent."),
            "enabled": i18n._("The webhook was turned on again."),
            }.get(code or "")


def _refused(exc: WebhookError) -> str:
    return {"name": i18n._("The name is one line of at most %(n)s characters.", n=MAX_NAME_CHARS),
            "url": i18n._("The address must begin with https:// (or http:// on the office's network), at most "
                          "%(n)s characters.", n=MAX_URL_CHARS),
            "duplicate": i18n._("A webhook with this name already exists."),
            }.get(exc.code, i18n._("The webhook could not be saved."))


def state_name(state: str) -> str:
    return {"queued": i18n._("waiting"), "sending": i18n._("sending"), "failed": i18n._("failed, will retry"),
            "sent": i18n._("delivered"), "dead": i18n._("not delivered, given up")}.get(state, state)


def _page(request: Request, s: Any, status: int = 200, **ctx: Any) -> Response:
    endpoints = list(s.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.name).limit(MAX_LISTED)))
    last = last_messages(s, [e.id for e in endpoints])
    rows = [{"id": e.id, "name": e.name, "url": masked_url(e.url), "enabled": e.enabled,
             "disabled_at": e.disabled_at, "by_admin": e.disabled_reason == DISABLED_BY_ADMIN,
             "reason": e.disabled_reason, "created_at": e.created_at, "created_by": e.created_by,
             "last": last.get(e.id)} for e in endpoints]
    return render(request, "admin_webhooks.html", status_code=status, endpoints=rows, tab="webhooks",
                  state_name=state_name, max_name=MAX_NAME_CHARS, max_url=MAX_URL_CHARS, **ctx)


@router.get("/admin/webhooks", dependencies=[page("admin")])
def webhooks_page(request: Request, s: SessionDep, done: str | None = None) -> Response:
    return _page(request, s, notice=_notice(done))


@router.post("/admin/webhooks", dependencies=[page("admin")])
def add(request: Request, s: SessionDep, me: CurrentUser, name: Annotated[str, Form(max_length=MAX_NAME_CHARS)] = "",
        url: Annotated[str, Form(max_length=MAX_URL_CHARS)] = "") -> Response:
    """The answer to this form is the only place the secret ever appears (no redirect; pages are no-store)."""
    try:
        endpoint, secret = add_endpoint(s, name, url, me.actor)
    except WebhookError as exc:
        s.rollback()
        return _page(request, s, 422, error=_refused(exc), form={"name": name, "url": url})
    # the URL masked in the log as on the page: a chat bridge's token in it is a credential
    audit.record(s, me.actor, "webhooks.add", audit_target=f"webhook:{endpoint.id}", name=endpoint.name,
                 url=masked_url(endpoint.url))
    s.commit()
    return _page(request, s, 201, issued={"name": endpoint.name, "secret": secret})


def _endpoint(s: Any, endpoint_id: int) -> WebhookEndpoint:
    endpoint = s.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise HTTPException(404, i18n._("No such webhook."))
    return endpoint  # type: ignore[no-any-return]


def _switch(s: Any, endpoint_id: int, on: bool) -> tuple[str, dict[str, Any]]:
    endpoint = _endpoint(s, endpoint_id)
    set_enabled(endpoint, on, utcnow())
    return f"webhook:{endpoint.id}", {}


switch_routes(router, "/admin/webhooks", "webhooks", _switch)


@router.post("/admin/webhooks/{endpoint_id}/remove", dependencies=[page("admin")])
def remove(endpoint_id: ItemId, s: SessionDep, me: CurrentUser) -> Response:
    endpoint = _endpoint(s, endpoint_id)
    audit.record(s, me.actor, "webhooks.remove", audit_target=f"webhook:{endpoint.id}", name=endpoint.name)
    s.delete(endpoint)
    s.commit()
    return RedirectResponse("/admin/webhooks?done=removed", status_code=303)
