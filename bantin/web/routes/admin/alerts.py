"""Alert rules in the administration area (admin): the rules with their followers, adding, turning off and
on, removing, through the same functions as ``bantin alerts rules`` (bantin.alerts.rules: the same checks
and refusals), audited with the same action names; below, the alerts fired most recently with their why and
links to the stories.

Principle 3 (docs/principles.md): the fired alerts quote the office's stories, so every rendering of the
page writes its ``alerts.read`` audit row and commits it before the alerts are read, as the audit log does.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from bantin.alerts.rules import (
    DEFAULT_COOLDOWN_MINUTES,
    MAX_COOLDOWN_MINUTES,
    MAX_NAME_CHARS,
    MAX_TOPICS,
    RuleError,
    add_rule,
    list_rules,
    remove_rule,
    set_enabled,
    topic_list,
)
from bantin.api.deps import CurrentUser, SessionDep
from bantin.app import audit
from bantin.classify.topics.taxonomy import TOPICS
from bantin.delivery.subscriptions import rule_names
from bantin.store.alerting import RULE_KINDS, AlertEvent, AlertRule
from bantin.store.delivery import Subscription
from bantin.store.office import SavedSearch
from bantin.web import i18n
from bantin.web.guard import page
from bantin.web.routes.admin.home import MAX_LISTED, ItemId, switch_routes
from bantin.web.routes.analysts import topic_name
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# The fired alerts shown: the last few days of an office's alerts; older ones are in the audit log.
RECENT_ALERTS = 50
# Story links per alert; a volume alert can name many stories, the why says how many.
MAX_STORY_LINKS = 10
# Subscriptions read to count each rule's followers: far more addresses than one office has.
MAX_SUBSCRIPTIONS_COUNTED = 10_000


def kind_name(kind: str) -> str:
    return {"new_primary_story": i18n._("a new story mainly about the province"),
            "foreign_coverage": i18n._("coverage from abroad or in another language"),
            "volume_spike": i18n._("unusually much coverage"),
            "source_quiet": i18n._("a feed that failed or went quiet"),
            }.get(kind, kind)


def _notice(code: str | None) -> str | None:
    return {"added": i18n._("The alert rule was added."),
            "removed": i18n._("The alert rule was removed; the alerts it fired stay in the list."),
            "disabled": i18n._("The alert rule was turned off; it fires nothing until it is turned on again."),
            "enabled": i18n._("The alert rule was turned on."),
            }.get(code or "")


def _refused(exc: RuleError) -> str:
    return {"name": i18n._("The name is one line of at most %(n)s characters.", n=MAX_NAME_CHARS),
            "kind": i18n._("Choose one of the kinds of alert offered."),
            "topics": i18n._("Choose topics from the list (at most %(n)s).", n=MAX_TOPICS),
            "cooldown": i18n._("The quiet time is a whole number of minutes from 0 to %(n)s.", n=MAX_COOLDOWN_MINUTES),
            "saved_search": i18n._("That saved search does not exist (any more)."),
            "duplicate": i18n._("An alert rule with this name already exists."),
            }.get(exc.code, i18n._("The alert rule could not be saved."))


def _followers(s: Any) -> Counter[str]:
    subs = s.scalars(select(Subscription).where(Subscription.active).limit(MAX_SUBSCRIPTIONS_COUNTED))
    return Counter(name for sub in subs for name in rule_names(sub))


def _recent_alerts(s: Any) -> list[dict[str, Any]]:
    rows = s.execute(select(AlertEvent, AlertRule.name, AlertRule.kind).outerjoin(AlertRule, AlertEvent.rule_id == AlertRule.id)
                     .order_by(AlertEvent.fired_at.desc(), AlertEvent.id.desc()).limit(RECENT_ALERTS)).all()
    found = []
    for alert, rule, kind in rows:
        ids = [int(i) for i in json.loads(alert.story_ids or "[]")]
        found.append({"id": alert.id, "fired_at": alert.fired_at, "rule": rule, "kind": kind, "why": alert.why,
                      "story_ids": ids[:MAX_STORY_LINKS], "more": max(0, len(ids) - MAX_STORY_LINKS)})
    return found


def _page(request: Request, s: Any, actor: str, status: int = 200, **ctx: Any) -> Response:
    audit.record(s, actor, "alerts.read", audit_target="alerts", limit=RECENT_ALERTS, ui=True)
    s.commit()  # the read is on record before any alert leaves (principle 3)
    followers = _followers(s)
    searches = dict(s.execute(select(SavedSearch.id, SavedSearch.name).order_by(SavedSearch.name)
                              .limit(MAX_LISTED)).tuples().all())
    rules = [{"id": r.id, "name": r.name, "kind": r.kind, "topics": [topic_name(t) for t in topic_list(r)],
              "cooldown": r.cooldown_minutes, "saved_search": searches.get(r.saved_search_id, r.saved_search_id),
              "enabled": r.enabled, "last_evaluated_at": r.last_evaluated_at, "followers": followers[r.name],
              "created_by": r.created_by, "created_at": r.created_at} for r in list_rules(s, limit=MAX_LISTED)]
    return render(request, "admin_alerts.html", status_code=status, rules=rules, alerts=_recent_alerts(s),
                  tab="alerts", kinds=RULE_KINDS, kind_name=kind_name, topics=TOPICS, topic_name=topic_name,
                  searches=searches, max_name=MAX_NAME_CHARS, max_cooldown=MAX_COOLDOWN_MINUTES,
                  default_cooldown=DEFAULT_COOLDOWN_MINUTES, recent_limit=RECENT_ALERTS, **ctx)


@router.get("/admin/alerts", dependencies=[page("admin")])
def alerts_page(request: Request, s: SessionDep, me: CurrentUser, done: str | None = None) -> Response:
    return _page(request, s, me.actor, notice=_notice(done))


@router.post("/admin/alerts", dependencies=[page("admin")])
def add(request: Request, s: SessionDep, me: CurrentUser, name: Annotated[str, Form(max_length=MAX_NAME_CHARS)] = "",
        kind: Annotated[str, Form(max_length=30)] = "",
        topics: Annotated[list[str], Form(max_length=MAX_TOPICS)] = [],  # noqa: B006 (FastAPI copies)
        cooldown: Annotated[str, Form(max_length=6)] = "",
        saved_search_id: Annotated[str, Form(max_length=12)] = "") -> Response:
    text = cooldown.strip()
    # not a whole number: -1, which add_rule refuses with its own cool-down message
    minutes = DEFAULT_COOLDOWN_MINUTES if not text else int(text) if text.isdigit() else -1
    search = int(saved_search_id) if saved_search_id.isdigit() else None
    try:
        rule = add_rule(s, name, kind, topics=topics, cooldown_minutes=minutes, saved_search_id=search,
                        created_by=me.actor)
    except RuleError as exc:
        s.rollback()
        form = {"name": name, "kind": kind, "topics": topics, "cooldown": cooldown, "saved_search_id": search}
        return _page(request, s, me.actor, 422, error=_refused(exc), form=form)
    audit.record(s, me.actor, "alert_rules.add", audit_target=f"alert_rule:{rule.id}", name=rule.name, kind=rule.kind,
                 topics=topic_list(rule), cooldown_minutes=rule.cooldown_minutes, saved_search_id=search)
    s.commit()
    return RedirectResponse("/admin/alerts?done=added", status_code=303)


def _rule(s: Any, rule_id: int) -> AlertRule:
    rule = s.get(AlertRule, rule_id)
    if rule is None:
        raise HTTPException(404, i18n._("No such alert rule."))
    return rule  # type: ignore[no-any-return]


@router.post("/admin/alerts/{rule_id}/remove", dependencies=[page("admin")])
def remove(rule_id: ItemId, s: SessionDep, me: CurrentUser) -> Response:
    rule = remove_rule(s, _rule(s, rule_id).name)
    audit.record(s, me.actor, "alert_rules.remove", audit_target=f"alert_rule:{rule.id}", name=rule.name)
    s.commit()
    return RedirectResponse("/admin/alerts?done=removed", status_code=303)


def _switch(s: Any, rule_id: int, on: bool) -> tuple[str, dict[str, Any]]:
    rule = set_enabled(s, _rule(s, rule_id).name, on)
    return f"alert_rule:{rule.id}", {"name": rule.name}


switch_routes(router, "/admin/alerts", "alert_rules", _switch)
