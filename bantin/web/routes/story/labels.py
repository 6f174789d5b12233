"""Analysts label a story's origin article in one click (analyst and above): "Đúng" confirms the top
topic or the relevance, a select corrects them. Stored exactly as ``POST /api/v1/articles/{id}/labels``
stores them (``api.routes.labels.record_label``: who and when on the label). htmx swaps the labelling
block; without JavaScript the form posts and is redirected back to it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bantin.api.deps import CtxDep, CurrentUser, SessionDep, SettingsDep
from bantin.api.routes.review.labels import record_label
from bantin.api.schemas.labels import MAX_LABEL_VALUE_CHARS
from bantin.classify.labels import LabelError
from bantin.store.office import Story
from bantin.web.guard import page
from bantin.web.i18n import _
from bantin.web.routes.story.page import StoryId, back, is_htmx, show

router = APIRouter(include_in_schema=False)
KINDS = ("topic", "relevance")


@router.post("/stories/{story_id}/labels", dependencies=[page("analyst")])
def label_story(story_id: StoryId, request: Request, s: SessionDep, ctx: CtxDep, me: CurrentUser,
                settings: SettingsDep, kind: Annotated[str, Form(max_length=20)] = "",
                value: Annotated[str, Form(max_length=MAX_LABEL_VALUE_CHARS)] = "") -> Response:
    story = s.get(Story, story_id)
    error: str | None = None
    if story is None:
        s.rollback()
        return show(request, ctx, me, story_id)  # the 404 page
    if story.origin_article_id is None:
        error = _("This story has no origin article to label.")
    elif kind not in KINDS or not value:
        error = _("Choose a topic or a relevance.")
    else:
        try:
            record_label(s, story.origin_article_id, kind, value, actor=me.actor, province=settings.province)
        except LabelError:
            s.rollback()
            error = _("This label is not one of the taxonomy's.")
    if error is None:
        s.commit()
        if not is_htmx(request):
            return back(story_id, "labels")
    else:
        s.rollback()
    if is_htmx(request):
        return show(request, ctx, me, story_id, template="story_labels.html", label_error=error, saved=error is None)
    return show(request, ctx, me, story_id, status=422, label_error=error)
