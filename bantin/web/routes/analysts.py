"""The analysts' pages (analyst and above): what to label next, one-click labels, and the model registry
(versions with their scores, promotion through the gate, forced promotion with a reason, rollback).

Every action goes through the API's own functions (api/routes/models.py and labels.py), so the gate, the
label rules and the audit rows are the API's: the uncertain list is audited before it is shown (principle 3,
docs/principles.md), promotions and rollbacks by the registry, replaced labels by the labels route.
"""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from bantin.api.deps import CtxDep, CurrentUser, SessionDep, SettingsDep
from bantin.api.ids import Int64Id
from bantin.api.routes import models as models_api
from bantin.api.routes.review import labels as labels_api
from bantin.api.schemas.labels import LabelCreate
from bantin.api.schemas.models import MAX_REASON_CHARS, PromoteRequest
from bantin.classify.labels import RELEVANCE_VALUES
from bantin.classify.topics.taxonomy import BY_KEY, TOPICS
from bantin.store.schema import Article, Classification, Label, Source
from bantin.web import i18n
from bantin.web.guard import page
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
# A sitting's worth of labelling, as `bantin model uncertain` and GET /api/v1/models/uncertain default to.
UNCERTAIN_SHOWN = models_api.DEFAULT_UNCERTAIN
# Every version of every model on one page; the office keeps a few names with tens of versions each.
MAX_VERSIONS = 200
NAME_CHARS = models_api.MAX_MODEL_NAME_CHARS


def topic_name(key: str) -> str:
    """A topic key in the reader's language (the taxonomy carries both names)."""
    topic = BY_KEY.get(key)
    if topic is None:
        return key
    return topic.vi if i18n.current_locale() == "vi" else topic.en


def labeller_name(labeller: str) -> str:
    return labeller.split(":", 1)[1] if ":" in labeller else labeller


def _articles(s: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Outlet and the stored classification's relevance of each article (no bylines: principle 1)."""
    rows = s.execute(select(Article.id, Source.name, Classification.relevance, Classification.relevance_score)
                     .outerjoin(Source, Source.id == Article.source_id)
                     .outerjoin(Classification, Classification.article_id == Article.id)
                     .where(Article.id.in_(ids))).all() if ids else []
    return {r[0]: {"outlet": r[1], "relevance": r[2], "relevance_score": r[3]} for r in rows}


def _my_labels(s: Any, article_id: int, actor: str) -> list[Label]:
    return list(s.scalars(select(Label).where(Label.article_id == article_id, Label.labeller == actor)
                          .order_by(Label.id)))


def _common(**ctx: Any) -> dict[str, Any]:
    return {"topics": TOPICS, "topic_name": topic_name, "relevance_values": RELEVANCE_VALUES,
            "labeller_name": labeller_name, **ctx}


@router.get("/analysts", dependencies=[page("analyst")])
def label_next(request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser, labelled: Int64Id | None = None,
               error: Int64Id | None = None) -> Response:
    """The articles the topic model is least sure about (the API's route: it audits the read first)."""
    try:
        listed = models_api.uncertain(request, ctx, me, UNCERTAIN_SHOWN)
    except HTTPException as exc:
        if exc.status_code != 409:
            raise
        return render(request, "analysts.html", status_code=409, uncertain=[], model=None, tab="label",
                      **_common(notice=i18n._("There is no topic model to score articles with.")))
    extra = _articles(s, [u.article_id for u in listed.items])
    done = None
    if labelled is not None:
        done = {"labels": _my_labels(s, labelled, me.actor), "title": s.scalar(select(Article.title)
                                                                                 .where(Article.id == labelled))}
    return render(request, "analysts.html", uncertain=listed.items, extra=extra, model=listed.model, tab="label",
                  done=done, error_id=error, **_common())


@router.post("/analysts/labels/{article_id}", dependencies=[page("analyst")])
def label_article(request: Request, article_id: Int64Id, s: SessionDep, me: CurrentUser, settings: SettingsDep,
                  topic: Annotated[str, Form(max_length=50)] = "",
                  relevance: Annotated[str, Form(max_length=10)] = "") -> Response:
    """One click: a topic and/or a relevance label, through the labels route (same checks, same audit)."""
    htmx = request.headers.get("hx-request") == "true"
    wanted = [(k, v) for k, v in (("topic", topic), ("relevance", relevance)) if v]
    try:
        bodies = [LabelCreate(kind=k, value=v) for k, v in wanted]  # type: ignore[arg-type]
    except ValidationError:
        bodies = []
    try:
        if not bodies:
            raise HTTPException(422, "empty")
        for body in bodies:
            labels_api.add_label(article_id, body, s, me, settings, Response())
    except HTTPException as exc:  # nothing chosen, or a value the label rules refuse (a crafted form)
        if exc.status_code != 422:
            raise
        if not htmx:
            return RedirectResponse(f"/analysts?error={article_id}#a-{article_id}", status_code=303)
        # 200: htmx swaps only successful answers, and this row is the answer to show
        message = (i18n._("This label cannot be stored; reload the list and choose again.") if bodies
                   else i18n._("Choose a topic or a relevance first."))
        return render(request, "analysts_row.html", article_id=article_id, labels=None,
                      **_common(row_error=message))
    if not htmx:
        return RedirectResponse(f"/analysts?labelled={article_id}", status_code=303)
    return render(request, "analysts_row.html", article_id=article_id, labels=_my_labels(s, article_id, me.actor),
                  **_common())


def _models_page(request: Request, s: Any, status: int = 200, **ctx: Any) -> Response:
    versions = models_api.list_models(s, limit=MAX_VERSIONS).items
    by_name = [(name, list(rows)) for name, rows in groupby(versions, key=lambda v: v.name)]
    return render(request, "analysts_models.html", status_code=status, models=by_name, tab="models",
                  max_reason=MAX_REASON_CHARS, **ctx)


@router.get("/analysts/models", dependencies=[page("analyst")])
def model_versions(request: Request, s: SessionDep, done: str | None = None) -> Response:
    notice = {"promoted": i18n._("The version was promoted."),
              "rolled_back": i18n._("The model was rolled back to its previous version.")}.get(done or "")
    return _models_page(request, s, notice=notice)


def gate_message(exc: Exception) -> str:
    """The gate's refusal in the reader's language (the registry's own message is the CLI's English)."""
    from bantin.classify.registry.promote import GATE_TOLERANCE, GateRefused

    if not isinstance(exc, GateRefused):
        return " ".join(str(exc).split())
    if exc.new_score is None or exc.current_score is None:
        return i18n._("Refused by the gate: %(name)s has no frozen evaluation set to compare v%(v)s with the "
                      "promoted v%(cur)s. Force the promotion with a reason, or freeze an evaluation set first.",
                      name=exc.name, v=exc.version, cur=exc.current_version)
    return i18n._("Refused by the gate: v%(v)s scores %(new)s macro-F1 on the frozen evaluation set, more than "
                  "%(tol)s point below the promoted v%(cur)s (%(old)s). Force it only with a reason.",
                  v=exc.version, new=i18n.fmt_number(round(exc.new_score, 2)), tol=i18n.fmt_number(GATE_TOLERANCE),
                  cur=exc.current_version, old=i18n.fmt_number(round(exc.current_score, 2)))


@router.post("/analysts/models/{name}/promote", dependencies=[page("analyst")])
def promote(request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser, name: str = models_api.NameP,
            version: Annotated[int, Form(ge=1, le=2**31 - 1)] = 1, force: Annotated[bool, Form()] = False,
            reason: Annotated[str, Form(max_length=MAX_REASON_CHARS)] = "") -> Response:
    from bantin.classify.registry.store import RegistryError

    models_api._known(s, name)
    kept = {"form_name": name, "form_version": version, "form_reason": reason}
    try:
        body = PromoteRequest(version=version, force=force, reason=reason.strip() or None)
    except ValidationError:
        return _models_page(request, s, 422, error=i18n._("A forced promotion needs a reason (it is audited)."),
                            **kept)
    try:
        models_api.promote_version(s, ctx, me.actor, name, body)
    except RegistryError as exc:
        return _models_page(request, s, 409, error=gate_message(exc), **kept)
    return RedirectResponse("/analysts/models?done=promoted", status_code=303)


@router.post("/analysts/models/{name}/rollback", dependencies=[page("analyst")])
def rollback(request: Request, s: SessionDep, me: CurrentUser, name: str = models_api.NameP) -> Response:
    from bantin.classify.registry.store import RegistryError

    models_api._known(s, name)
    try:
        models_api.rollback_version(s, me.actor, name)
    except RegistryError:
        return _models_page(request, s, 409, error=i18n._("There is no earlier promoted version to roll back to."))
    return RedirectResponse("/analysts/models?done=rolled_back", status_code=303)
