"""Analysts' labels on an article: list (viewer), add and remove (analyst), through
:mod:`bantin.classify.labels` as `bantin label` does. The labeller is the user (``user:NAME``) and the time
is kept on the label; a removal is audited (so is a relevance label replacing the analyst's earlier one).
An analyst removes their own labels; an admin may remove anyone's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.api.deps import CurrentUser, ReadSessionDep, SessionDep, SettingsDep
from bantin.api.ids import MAX_INT64_ID, Int64Id
from bantin.api.listing.pagination import CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import requires
from bantin.api.schemas.labels import LabelAdded, LabelCreate, LabelPublic
from bantin.app import audit
from bantin.store.schema import Article, Label

if TYPE_CHECKING:
    from bantin.classify.labels import LabelResult

router = APIRouter(prefix="/articles/{article_id}/labels", tags=["labels"])


def _article(s: Session, article_id: int) -> None:
    if s.get(Article, article_id) is None:
        raise HTTPException(404, f"không tìm thấy bài (article not found) {article_id}")


def _last_id(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INT64_ID:
        raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
    return value


@router.get("", response_model=Page[LabelPublic], dependencies=[requires("viewer")])
def list_labels(article_id: Int64Id, s: ReadSessionDep, limit: LimitQ = 50, cursor: CursorQ = None) -> Page[LabelPublic]:
    """Nhãn của một bài (an article's labels: who labelled it what, and when), oldest first."""
    _article(s, article_id)
    after = decode_cursor(cursor, 1)
    q = select(Label).where(Label.article_id == article_id).order_by(Label.id).limit(limit + 1)
    if after is not None:
        q = q.where(Label.id > _last_id(after[0]))
    rows = [LabelPublic.model_validate(r) for r in s.scalars(q)]
    more = len(rows) > limit
    return Page(items=rows[:limit], next_cursor=encode_cursor(rows[limit - 1].id) if more else None)


def record_label(s: Session, article_id: int, kind: str, value: str, *, actor: str, province: str) -> LabelResult:
    """Store an analyst's label (who and when on the label; a replaced relevance label audited), as this
    API and the story page (web/routes/story/labels.py) do; raises LabelError. The caller commits."""
    from bantin.classify.labels import add_label as add

    res = add(s, article_id, kind, value, labeller=actor, province=province)
    if res.replaced:
        audit.record(s, actor, "labels.replace", audit_target=f"article:{article_id}", kind=kind, value=value,
                     replaced=list(res.replaced))
    return res


@router.post("", response_model=LabelAdded, status_code=201, dependencies=[requires("analyst")])
def add_label(article_id: Int64Id, body: LabelCreate, s: SessionDep, me: CurrentUser,
              settings: SettingsDep, response: Response) -> LabelAdded:
    """Gán nhãn (label an article's topic, or its relevance to the province)."""
    from bantin.classify.labels import LabelError

    _article(s, article_id)
    try:
        res = record_label(s, article_id, body.kind, body.value, actor=me.actor, province=settings.province)
    except LabelError as exc:
        s.rollback()
        raise HTTPException(422, " ".join(str(exc).split())) from None
    s.commit()
    if not res.created:
        response.status_code = 200
    return LabelAdded(label=LabelPublic.model_validate(res.label), created=res.created, replaced=list(res.replaced))


@router.delete("/{label_id}", status_code=204, dependencies=[requires("analyst")])
def remove_label(article_id: Int64Id, label_id: Int64Id, s: SessionDep, me: CurrentUser) -> Response:
    """Xoá một nhãn (remove a label: your own, or anyone's as admin; audited)."""
    from bantin.classify.labels import remove_label as remove

    label = s.scalar(select(Label).where(Label.id == label_id, Label.article_id == article_id))
    if label is None:
        raise HTTPException(404, "không tìm thấy nhãn (label not found)")
    if label.labeller != me.actor and not me.has("admin"):
        raise HTTPException(403, "chỉ xoá được nhãn của mình (you may remove only your own labels)")
    kind, value, labeller = label.kind, label.value, label.labeller
    n = remove(s, article_id, kind, value, labeller=labeller)
    audit.record(s, me.actor, "labels.remove", audit_target=f"article:{article_id}", article=article_id,
                 label=label_id, kind=kind, value=value, labeller=labeller, removed=n)
    s.commit()
    return Response(status_code=204)
