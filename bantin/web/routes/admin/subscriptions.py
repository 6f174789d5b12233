"""Subscriptions in the administration area (admin): who gets the daily digest and which alert rules,
the addresses a mail server refused (flagged), adding and removing, through the same functions as
``bantin subscriptions`` (bantin.delivery.subscriptions), audited the same way."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from bantin.api.deps import CurrentUser, SessionDep
from bantin.app import audit
from bantin.classify.topics.taxonomy import TOPIC_KEYS, TOPICS
from bantin.delivery.subscriptions import (
    MAX_NAME_CHARS,
    MAX_RULE_CHARS,
    MAX_RULES,
    SubscriptionError,
    add_subscription,
    list_subscriptions,
    rule_names,
    topic_keys,
)
from bantin.store.delivery import DIGEST_CHOICES, EMAIL_MAX, Subscription
from bantin.web import i18n
from bantin.web.guard import page
from bantin.web.routes.admin.home import MAX_LISTED, ItemId
from bantin.web.routes.analysts import topic_name
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# The rules field: comma-separated names, each at most MAX_RULE_CHARS, at most MAX_RULES of them.
MAX_RULES_FIELD_CHARS = MAX_RULES * (MAX_RULE_CHARS + 2)


def _notice(code: str | None) -> str | None:
    return {"added": i18n._("The subscription was added."),
            "removed": i18n._("The subscription was removed; messages still waiting for it will not be sent.")
            }.get(code or "")


def _refused(exc: SubscriptionError) -> str:
    return {"email": i18n._("This is not an email address (name@example.gov.vn)."),
            "duplicate": i18n._("This address is subscribed already (or unsubscribed itself: remove it first "
                                "to add it again)."),
            "rules": i18n._("At most %(n)s alert rules.", n=MAX_RULES),
            "name": i18n._("The name is one line of at most %(n)s characters.", n=MAX_NAME_CHARS),
            }.get(exc.code, i18n._("The subscription could not be saved."))


def _page(request: Request, s: Any, status: int = 200, **ctx: Any) -> Response:
    subs = [{"id": x.id, "email": x.email, "name": x.name, "digest": x.digest, "rules": rule_names(x),
             "topics": [topic_name(t) for t in topic_keys(x)], "active": x.active, "unsubscribed_at": x.unsubscribed_at, "flagged_at": x.flagged_at,
             "flag_reason": x.flag_reason} for x in list_subscriptions(s, MAX_LISTED)]
    return render(request, "admin_subscriptions.html", status_code=status, subs=subs, tab="subscriptions",
                  digests=DIGEST_CHOICES, max_email=EMAIL_MAX, max_name=MAX_NAME_CHARS,
                  max_rules=MAX_RULES_FIELD_CHARS, topics=TOPICS, topic_name=topic_name, **ctx)


@router.get("/admin/subscriptions", dependencies=[page("admin")])
def subscriptions_page(request: Request, s: SessionDep, done: str | None = None) -> Response:
    return _page(request, s, notice=_notice(done))


@router.post("/admin/subscriptions", dependencies=[page("admin")])
def add(request: Request, s: SessionDep, me: CurrentUser, email: Annotated[str, Form(max_length=EMAIL_MAX)] = "",
        name: Annotated[str, Form(max_length=MAX_NAME_CHARS)] = "",
        digest: Annotated[str, Form(max_length=10)] = "daily",
        rules: Annotated[str, Form(max_length=MAX_RULES_FIELD_CHARS)] = "",
        topics: Annotated[list[str], Form(max_length=len(TOPIC_KEYS))] = []) -> Response:  # noqa: B006 (FastAPI copies)
    names = [r.strip() for r in rules.split(",") if r.strip()]
    keys = [t for t in topics if t in TOPIC_KEYS]  # the form offers only the taxonomy's keys
    try:
        sub = add_subscription(s, email, name=name or None, digest=digest, rules=names, topics=keys,
                               created_by=me.actor)
    except SubscriptionError as exc:
        s.rollback()
        form = {"email": email, "name": name, "digest": digest, "rules": rules, "topics": keys}
        return _page(request, s, 422, error=_refused(exc), form=form)
    audit.record(s, me.actor, "subscriptions.add", audit_target=f"subscription:{sub.id}", email=sub.email,
                 digest=sub.digest, rules=names, topics=keys)
    s.commit()
    return RedirectResponse("/admin/subscriptions?done=added", status_code=303)


@router.post("/admin/subscriptions/{sub_id}/remove", dependencies=[page("admin")])
def remove(sub_id: ItemId, s: SessionDep, me: CurrentUser) -> Response:
    sub = s.get(Subscription, sub_id)
    if sub is None:
        raise HTTPException(404, i18n._("No such subscription."))
    audit.record(s, me.actor, "subscriptions.remove", audit_target=f"subscription:{sub.id}", email=sub.email)
    s.delete(sub)
    s.commit()
    return RedirectResponse("/admin/subscriptions?done=removed", status_code=303)
