"""Queue rules and response times (admin): what enters the queue beyond the province's ``primary``
stories, and how long each priority has. Every change is audited; deleting or disabling a rule never
removes the stories it admitted (stories are never removed automatically)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.roles import requires
from bantin.api.schemas.rules import ResponseTimePublic, ResponseTimeSet, RuleCreate, RulePublic, RuleUpdate
from bantin.api.schemas.stories import MAX_INT_ID, Priority
from bantin.app import audit
from bantin.queue.due import response_hours
from bantin.store.office import PRIORITIES, QueueRule, ResponseTime, SavedSearch
from bantin.store.schema import Source

router = APIRouter(tags=["queue rules"])
RuleId = Annotated[int, Path(ge=1, le=MAX_INT_ID)]
# The office keeps a handful of rules; this many is a runaway script, and every admission reads them all.
MAX_RULES = 500
_LISTS = ("relevance", "topics", "source_ids", "languages")


def rule_public(r: QueueRule) -> RulePublic:
    return RulePublic.model_validate({
        "id": r.id, "name": r.name, "enabled": r.enabled, "saved_search_id": r.saved_search_id,
        "priority": r.priority, "created_by": r.created_by, "created_at": r.created_at,
        **{k: json.loads(getattr(r, k) or "[]") for k in _LISTS}})


def _check_refs(s: Session, values: dict[str, Any]) -> None:
    ids = set(values.get("source_ids") or ())
    if ids and s.scalar(select(func.count()).select_from(Source).where(Source.id.in_(ids))) != len(ids):
        raise HTTPException(422, "nguồn không tồn tại trong source_ids (unknown source id in source_ids)")
    search = values.get("saved_search_id")
    if search is not None and s.get(SavedSearch, search) is None:
        raise HTTPException(422, "không có tìm kiếm đã lưu này (unknown saved_search_id)")
    name = values.get("name")
    if name is not None and s.scalar(select(QueueRule.id).where(QueueRule.name == name)) not in (None, values.get("id")):
        raise HTTPException(409, "đã có quy tắc cùng tên (a rule with this name exists)")


def _assign(rule: QueueRule, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(rule, key, json.dumps(value, ensure_ascii=False) if key in _LISTS else value)


@router.get("/rules", response_model=list[RulePublic], dependencies=[requires("admin")])
def list_rules(s: SessionDep) -> list[RulePublic]:
    return [rule_public(r) for r in s.scalars(select(QueueRule).order_by(QueueRule.id).limit(MAX_RULES))]


@router.post("/rules", response_model=RulePublic, status_code=201, dependencies=[requires("admin")])
def create_rule(body: RuleCreate, s: SessionDep, me: CurrentUser) -> RulePublic:
    values = body.model_dump()
    _check_refs(s, values)
    if (s.scalar(select(func.count()).select_from(QueueRule)) or 0) >= MAX_RULES:
        raise HTTPException(422, f"tối đa {MAX_RULES} quy tắc (at most {MAX_RULES} rules)")
    rule = QueueRule(created_by=me.actor)
    _assign(rule, values)
    s.add(rule)
    s.flush()
    audit.record(s, me.actor, "rule.create", audit_target=f"rule:{rule.id}", **values)
    s.commit()
    return rule_public(rule)


def _rule(s: Session, rule_id: int) -> QueueRule:
    rule = s.get(QueueRule, rule_id)
    if rule is None:
        raise HTTPException(404, "không tìm thấy quy tắc (rule not found)")
    return rule


@router.patch("/rules/{rule_id}", response_model=RulePublic, dependencies=[requires("admin")])
def update_rule(rule_id: RuleId, body: RuleUpdate, s: SessionDep, me: CurrentUser) -> RulePublic:
    rule = _rule(s, rule_id)
    values = {k: v for k, v in body.model_dump(exclude_unset=True).items()
              if v is not None or k == "saved_search_id"}
    _check_refs(s, {**values, "id": rule.id})
    _assign(rule, values)
    audit.record(s, me.actor, "rule.update", audit_target=f"rule:{rule.id}", **values)
    s.commit()
    return rule_public(rule)


@router.delete("/rules/{rule_id}", status_code=204, dependencies=[requires("admin")])
def delete_rule(rule_id: RuleId, s: SessionDep, me: CurrentUser) -> Response:
    rule = _rule(s, rule_id)
    audit.record(s, me.actor, "rule.delete", audit_target=f"rule:{rule.id}", name=rule.name)
    s.delete(rule)
    s.commit()
    return Response(status_code=204)


def _times(s: Session) -> list[ResponseTimePublic]:
    stored = set(s.scalars(select(ResponseTime.priority)))
    hours = response_hours(s)
    return [ResponseTimePublic(priority=p, hours=hours[p], default=p not in stored) for p in reversed(PRIORITIES)]


@router.get("/response-times", response_model=list[ResponseTimePublic], dependencies=[requires("admin")])
def list_response_times(s: SessionDep) -> list[ResponseTimePublic]:
    """Hours per priority, most pressing first (the due date of a story is its entry time plus these)."""
    return _times(s)


@router.put("/response-times/{priority}", response_model=list[ResponseTimePublic], dependencies=[requires("admin")])
def set_response_time(priority: Priority, body: ResponseTimeSet, s: SessionDep, me: CurrentUser) -> list[ResponseTimePublic]:
    """Set a priority's hours; stories entering or changing priority from now on get due dates from it."""
    row = s.get(ResponseTime, priority)
    old = row.hours if row else None
    if row is None:
        s.add(ResponseTime(priority=priority, hours=body.hours))
    else:
        row.hours = body.hours
    audit.record(s, me.actor, "response_time.set", audit_target=f"response_time:{priority}", old=old, new=body.hours)
    s.commit()
    return _times(s)
