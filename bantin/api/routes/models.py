"""The model registry (analyst): versions, promotion through the gate, rollback, and what to label next.

Everything goes through :mod:`bantin.classify.registry` (the gate, one promoted version per name, the
audit rows) and :func:`bantin.classify.active.least_certain`, as `bantin model ...` does. When the topic
model changes, the running crawler re-classifies stored articles on its next tick (its classifier cache
sees the new promoted version), so the request does not wait for it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Path, Request
from sqlalchemy import literal, select, tuple_

from bantin.api.deps import CtxDep, CurrentUser, ReadSessionDep, SessionDep
from bantin.api.ids import MAX_INT32_ID
from bantin.api.listing.pagination import CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import requires
from bantin.api.schemas.models import (
    ModelVersionPublic,
    PromoteRequest,
    PromotionPublic,
    RollbackPublic,
    UncertainList,
)
from bantin.app import audit
from bantin.classify.registry.store import NAME_RE
from bantin.store.schema import ModelVersion

router = APIRouter(prefix="/models", tags=["models"])

# Model names are directory names (bantin.classify.registry.store.NAME_RE: at most 64 characters).
MAX_MODEL_NAME_CHARS = 64
# The default page of `bantin model uncertain`: a sitting's worth of labelling.
DEFAULT_UNCERTAIN = 20
NameP = Path(min_length=1, max_length=MAX_MODEL_NAME_CHARS, pattern=NAME_RE.pattern)
RECLASSIFY_NOTE = ("bộ thu thập phân loại lại các bài đã lưu ở lượt sau (the crawler re-classifies stored "
                   "articles on its next tick; or run `bantin model reclassify`)")


def public(mv: ModelVersion) -> ModelVersionPublic:
    from bantin.classify.registry.store import metrics_of

    m = metrics_of(mv)
    f1 = {k: (m.get(k) or {}).get("macro_f1") for k in ("holdout", "frozen_eval")}
    return ModelVersionPublic(
        id=mv.id, name=mv.name, version=mv.version, status=mv.status, holdout_macro_f1=f1["holdout"],
        frozen_eval_macro_f1=f1["frozen_eval"], train_rows=(m.get("train") or {}).get("rows"), metrics=m,
        training_data_hash=mv.training_data_hash, artifact_sha256=mv.artifact_sha256, created_at=mv.created_at,
        created_by=mv.created_by, promoted_at=mv.promoted_at, promoted_by=mv.promoted_by, forced=mv.forced,
        notes=mv.notes)


def _registry_error(exc: Exception) -> HTTPException:
    from bantin.classify.registry.promote import GateRefused

    status = 409 if isinstance(exc, GateRefused) else 422
    return HTTPException(status, " ".join(str(exc).split()))


def _known(s: Any, name: str) -> None:
    if s.scalar(select(ModelVersion.id).where(ModelVersion.name == name).limit(1)) is None:
        raise HTTPException(404, f"không tìm thấy mô hình (model not found) {name!r}")


def _reclassify_note(name: str) -> str | None:
    from bantin.classify.service import STORED_MODEL_NAMES

    return RECLASSIFY_NOTE if name in STORED_MODEL_NAMES else None


@router.get("", response_model=Page[ModelVersionPublic], dependencies=[requires("analyst")])
def list_models(s: ReadSessionDep, limit: LimitQ = 50, cursor: CursorQ = None) -> Page[ModelVersionPublic]:
    """Mọi phiên bản mô hình với điểm và trạng thái (every registered version, its scores and status), by
    name and version, as `bantin model list`."""
    after = decode_cursor(cursor, 2)
    q = select(ModelVersion).order_by(ModelVersion.name, ModelVersion.version).limit(limit + 1)
    if after is not None:
        name, version = after
        if not (isinstance(name, str) and NAME_RE.match(name) and isinstance(version, int)
                and 0 <= version <= MAX_INT32_ID):
            raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
        q = q.where(tuple_(ModelVersion.name, ModelVersion.version) > tuple_(literal(name), literal(version)))
    rows = [public(mv) for mv in s.scalars(q)]
    more = len(rows) > limit
    last = rows[limit - 1] if more else None
    return Page(items=rows[:limit], next_cursor=encode_cursor(last.name, last.version) if last else None)


@router.get("/uncertain", response_model=UncertainList, dependencies=[requires("analyst")])
def uncertain(request: Request, ctx: CtxDep, me: CurrentUser, limit: LimitQ = DEFAULT_UNCERTAIN) -> UncertainList:
    """Bài mô hình ít chắc chắn nhất (the articles to label next; audited before they are shown)."""
    from bantin.app.crawl import ClassifierCache
    from bantin.classify.active import least_certain

    # the classifier is kept between requests until another topic model version is promoted (seconds to load)
    cache = getattr(request.app.state, "classifier_cache", None)
    if cache is None:
        cache = request.app.state.classifier_cache = ClassifierCache(ctx)
    clf = cache.get()
    if clf.topic_model is None:
        raise HTTPException(409, "không có mô hình chủ đề (no topic model: neither promoted nor shipped)")
    with ctx.read_sessions() as s:  # scoring every article: a read, no write lock
        items = least_certain(s, clf.topic_model, limit)
    with ctx.sessions() as w:  # docs/principles.md, principle 3: the audit row is committed before the output
        audit.record(w, me.actor, "model.uncertain", model=clf.topic_origin, limit=limit, rows=len(items))
        w.commit()
    return UncertainList.model_validate({"model": clf.topic_origin, "items": [u.to_dict() for u in items]})


def promote_version(s: Any, ctx: Any, actor: str, name: str, body: PromoteRequest) -> PromotionPublic:
    """Promote through the gate and commit (the registry audits it); raises RegistryError (GateRefused when
    the gate says no) after rolling back. Shared by this route and the analysts' page (web/routes/analysts.py)."""
    from bantin.classify.registry.promote import promote as do_promote
    from bantin.classify.registry.store import RegistryError

    try:
        p = do_promote(s, ctx.settings.models_dir, name, body.version, actor=actor, force=body.force,
                       reason=body.reason)
    except RegistryError:
        s.rollback()
        raise
    s.commit()
    return PromotionPublic(promoted=public(p.version), previous=public(p.previous) if p.previous else None,
                           new_macro_f1=p.new_score, previous_macro_f1=p.current_score, forced=p.forced,
                           reclassify=_reclassify_note(name))


def rollback_version(s: Any, actor: str, name: str) -> RollbackPublic:
    """Back to the previously promoted version and commit (audited by the registry); raises RegistryError."""
    from bantin.classify.registry.promote import rollback as do_rollback
    from bantin.classify.registry.store import RegistryError

    try:
        restored, undone = do_rollback(s, name, actor=actor)
    except RegistryError:
        s.rollback()
        raise
    s.commit()
    return RollbackPublic(restored=public(restored), rolled_back=public(undone), reclassify=_reclassify_note(name))


@router.post("/{name}/promote", response_model=PromotionPublic, dependencies=[requires("analyst")])
def promote(body: PromoteRequest, s: SessionDep, ctx: CtxDep, me: CurrentUser, name: str = NameP) -> PromotionPublic:
    """Đưa một phiên bản vào dùng (promote; gate: frozen-set macro-F1 ≥ current − 1 point, or force + reason)."""
    from bantin.classify.registry.store import RegistryError

    _known(s, name)
    try:
        return promote_version(s, ctx, me.actor, name, body)
    except RegistryError as exc:
        raise _registry_error(exc) from None


@router.post("/{name}/rollback", response_model=RollbackPublic, dependencies=[requires("analyst")])
def rollback(s: SessionDep, me: CurrentUser, name: str = NameP) -> RollbackPublic:
    """Quay lại phiên bản trước (back to the previously promoted version; audited)."""
    from bantin.classify.registry.store import RegistryError

    _known(s, name)
    try:
        return rollback_version(s, me.actor, name)
    except RegistryError as exc:
        raise _registry_error(exc) from None
