"""Accounts (admin): users and their API tokens. Every change is audited; a token's secret is shown once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bantin.accounts.tokens import issue_token
from bantin.accounts.users import (
    AccountError,
    LastAdminError,
    create_user,
    ensure_admin_remains,
    set_password,
    set_role,
)
from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.errors import GUARDED_ERRORS, documented
from bantin.api.listing.pagination import CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import requires
from bantin.api.schemas.tokens import TokenCreate, TokenIssued, TokenPublic
from bantin.api.schemas.users import UserCreate, UserPublic, UserUpdate
from bantin.app import audit
from bantin.store.office import ApiToken, User, WebSession
from bantin.store.types import utcnow

router = APIRouter(tags=["users"], responses=GUARDED_ERRORS)

# Ids are 32-bit on both databases: a larger one cannot exist (and PostgreSQL would refuse to compare).
MAX_ID = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
NOT_FOUND = documented(s404="không tìm thấy (not found)")
CONFLICT = documented(s409="xung đột (conflict: name taken, last admin, disabled user)")


def id_cursor(cursor: str | None) -> int | None:
    """The id a cursor of :func:`encode_cursor` (one id) carries; 422 for anything else."""
    key = decode_cursor(cursor, 1)
    if key is None:
        return None
    if not isinstance(key[0], int) or isinstance(key[0], bool) or not 0 <= key[0] <= MAX_ID:
        raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
    return key[0]


def _user(s: Session, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:
        raise HTTPException(404, "không tìm thấy người dùng (user not found)")
    return user


def _token_public(token: ApiToken, user_name: str) -> TokenPublic:
    return TokenPublic.model_validate({**{k: getattr(token, k) for k in TokenPublic.model_fields if k != "user_name"},
                                       "user_name": user_name})


@router.get("/users", response_model=Page[UserPublic], dependencies=[requires("admin")])
def list_users(s: SessionDep, limit: LimitQ = 50, cursor: CursorQ = None) -> Page[UserPublic]:
    q = select(User).order_by(User.id).limit(limit + 1)
    after = id_cursor(cursor)
    if after is not None:
        q = q.where(User.id > after)
    rows = list(s.scalars(q))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[UserPublic](items=[UserPublic.model_validate(u) for u in rows],
                            next_cursor=encode_cursor(rows[-1].id) if more else None)


@router.get("/users/{user_id}", response_model=UserPublic, responses=NOT_FOUND, dependencies=[requires("admin")])
def get_user(user_id: IdPath, s: SessionDep) -> UserPublic:
    return UserPublic.model_validate(_user(s, user_id))


@router.post("/users", status_code=201, response_model=UserPublic, responses=CONFLICT,
             dependencies=[requires("admin")])
def create(body: UserCreate, s: SessionDep, me: CurrentUser) -> UserPublic:
    try:
        user = create_user(s, body.name, body.role, body.password, body.display_name)
    except AccountError as exc:
        raise HTTPException(409, f"không tạo được người dùng (cannot create the user): {exc}") from None
    audit.record(s, me.actor, "users.create", audit_target=f"user:{user.name}", role=user.role)
    s.commit()
    return UserPublic.model_validate(user)


def apply_update(s: Session, actor: str, user: User, body: UserUpdate) -> bool:
    """Change what ``body`` sends and audit it (the caller commits); raises LastAdminError / AccountError.
    Shared by PATCH /users/{id} and the admin's users page (web/routes/admin/users.py)."""
    changed: dict[str, object] = {}
    if body.disabled is not None and body.disabled != user.disabled:
        if body.disabled:
            ensure_admin_remains(s, user)
            s.execute(delete(WebSession).where(WebSession.user_id == user.id))
        user.disabled = body.disabled
        changed["disabled"] = body.disabled
    if body.role is not None and body.role != user.role:
        changed["role"] = body.role
        changed["before"] = user.role
        set_role(s, user, body.role)
    if "display_name" in body.model_fields_set and body.display_name != user.display_name:
        user.display_name = body.display_name
        changed["display_name"] = True
    if body.password is not None:
        set_password(s, user, body.password)
        changed["password"] = True
    if changed:
        audit.record(s, actor, "users.update", audit_target=f"user:{user.name}", **changed)
    return bool(changed)


@router.patch("/users/{user_id}", response_model=UserPublic, responses={**NOT_FOUND, **CONFLICT},
              dependencies=[requires("admin")])
def update(user_id: IdPath, body: UserUpdate, s: SessionDep, me: CurrentUser) -> UserPublic:
    user = _user(s, user_id)
    try:
        changed = apply_update(s, me.actor, user, body)
    except LastAdminError as exc:
        raise HTTPException(409, f"phải còn ít nhất một quản trị viên (at least one admin must remain): {exc}") from None
    except AccountError as exc:
        raise HTTPException(409, str(exc)) from None
    if changed:
        s.commit()
    return UserPublic.model_validate(user)


TokenUserQ = Annotated[int | None, Query(ge=1, le=MAX_ID, description="only this user's tokens")]


@router.get("/tokens", response_model=Page[TokenPublic], dependencies=[requires("admin")])
def list_tokens(s: SessionDep, limit: LimitQ = 50, cursor: CursorQ = None,
                user_id: TokenUserQ = None) -> Page[TokenPublic]:
    q = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id).limit(limit + 1)
    after = id_cursor(cursor)
    if after is not None:
        q = q.where(ApiToken.id > after)
    if user_id is not None:
        q = q.where(ApiToken.user_id == user_id)
    rows = list(s.execute(q).tuples())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[TokenPublic](items=[_token_public(t, n) for t, n in rows],
                             next_cursor=encode_cursor(rows[-1][0].id) if more else None)


@router.post("/tokens", status_code=201, response_model=TokenIssued, responses={**NOT_FOUND, **CONFLICT},
             dependencies=[requires("admin")])
def create_token(body: TokenCreate, s: SessionDep, me: CurrentUser) -> TokenIssued:
    user = _user(s, body.user_id)
    if user.disabled:
        raise HTTPException(409, "người dùng đã bị tắt (the user is disabled)")
    token, plain = issue_token(s, user, body.label, me.actor)
    audit.record(s, me.actor, "tokens.create", audit_target=f"token:{token.id}", user=user.name, label=body.label)
    s.commit()
    return TokenIssued(**_token_public(token, user.name).model_dump(), token=plain)


@router.delete("/tokens/{token_id}", response_model=TokenPublic, responses=NOT_FOUND,
               dependencies=[requires("admin")])
def revoke(token_id: IdPath, s: SessionDep, me: CurrentUser) -> TokenPublic:
    hit = s.execute(select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
                    .where(ApiToken.id == token_id)).first()
    if hit is None:
        raise HTTPException(404, "không tìm thấy mã (token not found)")
    token, name = hit
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(s, me.actor, "tokens.revoke", audit_target=f"token:{token.id}", user=name)
        s.commit()
    return _token_public(token, name)
