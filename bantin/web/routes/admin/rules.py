"""Queue rules (which ``mention`` stories enter the queue besides the province's ``primary`` ones) and the
response time of each priority (admin): list, create, edit, delete, set, through the API's functions
(api/routes/rules.py: the same schemas, reference checks and audit rows)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.routes import rules as rules_api
from bantin.api.schemas.rules import MAX_KEY_CHARS, MAX_RULE_ITEMS, ResponseTimeSet, RuleCreate, RuleUpdate
from bantin.api.schemas.stories import Priority
from bantin.classify.labels import RELEVANCE_VALUES
from bantin.classify.topics.taxonomy import TOPICS
from bantin.queue.due import MAX_RESPONSE_HOURS
from bantin.store.office import PRIORITIES, SavedSearch
from bantin.store.schema import Source
from bantin.web import i18n
from bantin.web.guard import page
from bantin.web.routes.admin.home import MAX_LISTED, done_message
from bantin.web.routes.analysts import topic_name
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# Outlets offered in a rule's list; the province follows a few hundred at most.
MAX_SOURCES_OFFERED = 1000
# "vi, en": a handful of language codes, each at most MAX_KEY_CHARS.
MAX_LANGUAGES_CHARS = 500
ListF = Annotated[list[str], Form(max_length=MAX_RULE_ITEMS)]


def _rules_page(request: Request, s: Any, status: int = 200, **ctx: Any) -> Response:
    sources = s.execute(select(Source.id, Source.name).order_by(Source.name).limit(MAX_SOURCES_OFFERED)).all()
    searches = s.execute(select(SavedSearch.id, SavedSearch.name).order_by(SavedSearch.name).limit(MAX_LISTED)).all()
    return render(request, "admin_rules.html", status_code=status, rules=rules_api.list_rules(s),
                  times=rules_api.list_response_times(s), sources=sources, searches=searches, topics=TOPICS,
                  topic_name=topic_name, relevance_values=RELEVANCE_VALUES, priorities=list(reversed(PRIORITIES)),
                  source_names={i: n for i, n in sources}, max_hours=MAX_RESPONSE_HOURS, tab="rules",
                  max_key=MAX_LANGUAGES_CHARS, **ctx)


@router.get("/admin/rules", dependencies=[page("admin")])
def rules_page(request: Request, s: SessionDep, done: str | None = None) -> Response:
    return _rules_page(request, s, notice=done_message(done))


def _form(name: Annotated[str, Form(max_length=200)] = "",
          relevance: ListF = [], topics: ListF = [], source_ids: ListF = [],  # noqa: B006 (FastAPI copies)
          languages: Annotated[str, Form(max_length=MAX_LANGUAGES_CHARS)] = "",
          saved_search_id: Annotated[str, Form(max_length=12)] = "",
          priority: Annotated[str, Form(max_length=10)] = "normal",
          enabled: Annotated[str, Form(max_length=3)] = "") -> dict[str, Any]:
    """The rule form's fields (the create and the edit form are one) as the API's values."""
    return {"name": name.strip(), "relevance": relevance, "topics": topics,
            "source_ids": [int(x) for x in source_ids if x.isdigit()],
            "languages": [x.strip() for x in languages.split(",") if x.strip()],
            "saved_search_id": int(saved_search_id) if saved_search_id.isdigit() else None,
            "priority": priority, "enabled": enabled == "on"}


RuleForm = Annotated[dict[str, Any], Depends(_form)]


def _refused(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        field = str(exc.errors()[0]["loc"][0]) if exc.errors() and exc.errors()[0]["loc"] else ""
        if field == "name":
            return i18n._("A rule needs a name of one line (at most 200 characters).")
        if field == "relevance":
            return i18n._("Choose at least one relevance, or leave the default.")
        if field == "languages":
            return i18n._("Languages are short codes separated by commas, such as vi, en (at most %(n)s characters "
                          "each).", n=MAX_KEY_CHARS)
        return i18n._("Some of the rule's fields are not valid.")
    if isinstance(exc, HTTPException) and exc.status_code == 409:
        return i18n._("A rule with this name already exists.")
    return i18n._("The rule refers to an outlet or a saved search that does not exist.")


@router.post("/admin/rules", dependencies=[page("admin")])
def create_rule(request: Request, s: SessionDep, me: CurrentUser, values: RuleForm) -> Response:
    try:
        rules_api.create_rule(RuleCreate(**{**values, "relevance": values["relevance"] or ["mention"]}), s, me)
    except (ValidationError, HTTPException) as exc:
        s.rollback()
        return _rules_page(request, s, 422, error=_refused(exc), form=values)
    return RedirectResponse("/admin/rules?done=rule_created", status_code=303)


@router.post("/admin/rules/{rule_id}", dependencies=[page("admin")])
def update_rule(request: Request, rule_id: rules_api.RuleId, s: SessionDep, me: CurrentUser,
                values: RuleForm) -> Response:
    try:
        rules_api.update_rule(rule_id, RuleUpdate(**{**values, "relevance": values["relevance"] or ["mention"]}),
                              s, me)
    except (ValidationError, HTTPException) as exc:
        if isinstance(exc, HTTPException) and exc.status_code == 404:
            raise
        s.rollback()
        return _rules_page(request, s, 422, error=_refused(exc), edit_id=rule_id, edit_form=values)
    return RedirectResponse("/admin/rules?done=rule_updated", status_code=303)


@router.post("/admin/rules/{rule_id}/delete", dependencies=[page("admin")])
def delete_rule(rule_id: rules_api.RuleId, s: SessionDep, me: CurrentUser) -> Response:
    rules_api.delete_rule(rule_id, s, me)
    return RedirectResponse("/admin/rules?done=rule_deleted", status_code=303)


@router.post("/admin/response-times/{priority}", dependencies=[page("admin")])
def set_response_time(request: Request, priority: Priority, s: SessionDep, me: CurrentUser,
                      hours: Annotated[str, Form(max_length=6)] = "") -> Response:
    try:
        body = ResponseTimeSet(hours=int(hours) if hours.strip().isdigit() else 0)
    except ValidationError:
        return _rules_page(request, s, 422, error=i18n._("Hours are a whole number from 1 to %(max)s.",
                                                         max=MAX_RESPONSE_HOURS), time_form={priority: hours})
    rules_api.set_response_time(priority, body, s, me)
    return RedirectResponse("/admin/rules?done=time_set", status_code=303)
