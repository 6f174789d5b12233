"""Users and API tokens (admin): list, create, change role, disable or enable, set a password; issue a
token (its secret shown once, on the answer to the form, never again) and revoke one.

Everything goes through the API's functions (api/routes/users.py: the same schemas, password rules, the
last-admin check and the same audit rows).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from bantin.accounts.users import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, AccountError, LastAdminError
from bantin.api.deps import CurrentUser, SessionDep
from bantin.api.routes import users as users_api
from bantin.api.schemas.tokens import MAX_LABEL_CHARS, TokenCreate
from bantin.api.schemas.users import MAX_DISPLAY_NAME_CHARS, UserCreate, UserUpdate
from bantin.store.office import ROLES, User
from bantin.web import i18n
from bantin.web.guard import page
from bantin.web.routes.admin.home import MAX_LISTED, done_message
from bantin.web.templating import render

router = APIRouter(include_in_schema=False)
UserId = users_api.IdPath
NameF = Annotated[str, Form(max_length=100)]
PasswordF = Annotated[str, Form(max_length=MAX_PASSWORD_CHARS)]


def _users_page(request: Request, s: Any, status: int = 200, **ctx: Any) -> Response:
    users = users_api.list_users(s, limit=MAX_LISTED).items
    return render(request, "admin_users.html", status_code=status, users=users, roles=ROLES, tab="users",
                  min_password=MIN_PASSWORD_CHARS, max_display=MAX_DISPLAY_NAME_CHARS, **ctx)


def _invalid(exc: ValidationError) -> str:
    """One line for the first refused field (the API's schema decides what is refused)."""
    field = str(exc.errors()[0]["loc"][0]) if exc.errors() and exc.errors()[0]["loc"] else ""
    if field == "password":
        return i18n._("The password needs %(min)s to %(max)s characters.", min=MIN_PASSWORD_CHARS,
                      max=MAX_PASSWORD_CHARS)
    if field == "name":
        return i18n._("A user name has 2 to 100 letters, digits, '.', '_', '@' or '-', and no spaces.")
    if field == "display_name":
        return i18n._("The display name is one line of at most %(max)s characters.", max=MAX_DISPLAY_NAME_CHARS)
    return i18n._("Choose one of the roles.")


@router.get("/admin/users", dependencies=[page("admin")])
def users_page(request: Request, s: SessionDep, done: str | None = None) -> Response:
    return _users_page(request, s, notice=done_message(done))


@router.post("/admin/users", dependencies=[page("admin")])
def create_user(request: Request, s: SessionDep, me: CurrentUser, name: NameF = "",
                role: Annotated[str, Form(max_length=20)] = "viewer",
                display_name: Annotated[str, Form(max_length=MAX_DISPLAY_NAME_CHARS)] = "",
                password: PasswordF = "", password2: PasswordF = "") -> Response:
    kept = {"form": {"name": name, "role": role, "display_name": display_name}}
    if password != password2:
        return _users_page(request, s, 422, error=i18n._("The two passwords differ."), **kept)
    try:
        body = UserCreate(name=name.strip(), role=role, password=password,  # type: ignore[arg-type]
                          display_name=display_name.strip() or None)
    except ValidationError as exc:
        return _users_page(request, s, 422, error=_invalid(exc), **kept)
    try:
        users_api.create(body, s, me)
    except HTTPException:  # 409: the only refusal left after the schema is a name already taken
        return _users_page(request, s, 409, error=i18n._("A user named %(name)s already exists.", name=body.name),
                           **kept)
    return RedirectResponse("/admin/users?done=user_created", status_code=303)


def _update(request: Request, s: Any, me: Any, user_id: int, body: UserUpdate) -> Response:
    user = s.get(User, user_id)
    if user is None:
        raise HTTPException(404, "user")
    try:
        changed = users_api.apply_update(s, me.actor, user, body)
    except LastAdminError:
        s.rollback()
        return _users_page(request, s, 409, error=i18n._(
            "%(name)s is the last enabled administrator: create another administrator before disabling or "
            "demoting this account.", name=user.name))
    except AccountError:
        s.rollback()
        return _users_page(request, s, 409, error=i18n._("The change was refused."))
    if changed:
        s.commit()
    return RedirectResponse("/admin/users?done=user_updated", status_code=303)


@router.post("/admin/users/{user_id}/role", dependencies=[page("admin")])
def change_role(request: Request, user_id: UserId, s: SessionDep, me: CurrentUser,
                role: Annotated[str, Form(max_length=20)] = "") -> Response:
    try:
        body = UserUpdate(role=role)  # type: ignore[arg-type]
    except ValidationError as exc:
        return _users_page(request, s, 422, error=_invalid(exc))
    return _update(request, s, me, user_id, body)


@router.post("/admin/users/{user_id}/disabled", dependencies=[page("admin")])
def set_disabled(request: Request, user_id: UserId, s: SessionDep, me: CurrentUser,
                 disabled: Annotated[bool, Form()] = True) -> Response:
    return _update(request, s, me, user_id, UserUpdate(disabled=disabled))


@router.post("/admin/users/{user_id}/password", dependencies=[page("admin")])
def change_password(request: Request, user_id: UserId, s: SessionDep, me: CurrentUser,
                    password: PasswordF = "", password2: PasswordF = "") -> Response:
    if password != password2:
        return _users_page(request, s, 422, error=i18n._("The two passwords differ."), open_password=user_id)
    try:
        body = UserUpdate(password=password)
    except ValidationError as exc:
        return _users_page(request, s, 422, error=_invalid(exc), open_password=user_id)
    return _update(request, s, me, user_id, body)


def _tokens_page(request: Request, s: Any, status: int = 200, **ctx: Any) -> Response:
    tokens = users_api.list_tokens(s, limit=MAX_LISTED).items
    users = [u for u in users_api.list_users(s, limit=MAX_LISTED).items if not u.disabled]
    return render(request, "admin_tokens.html", status_code=status, tokens=tokens, users=users, tab="tokens",
                  max_label=MAX_LABEL_CHARS, **ctx)


@router.get("/admin/tokens", dependencies=[page("admin")])
def tokens_page(request: Request, s: SessionDep, done: str | None = None) -> Response:
    return _tokens_page(request, s, notice=done_message(done))


@router.post("/admin/tokens", dependencies=[page("admin")])
def create_token(request: Request, s: SessionDep, me: CurrentUser,
                 user_id: Annotated[int, Form(ge=1, le=users_api.MAX_ID)] = 1,
                 label: Annotated[str, Form(max_length=MAX_LABEL_CHARS)] = "") -> Response:
    """The answer to this form is the only place the token's secret ever appears (no redirect, no-store)."""
    try:
        body = TokenCreate(user_id=user_id, label=label.strip() or None)
    except ValidationError:
        return _tokens_page(request, s, 422, error=i18n._("The label is one line of at most %(max)s characters.",
                                                         max=MAX_LABEL_CHARS), form_label=label)
    try:
        issued = users_api.create_token(body, s, me)
    except HTTPException as exc:
        if exc.status_code != 409:
            raise
        return _tokens_page(request, s, 409, error=i18n._("The user is disabled; enable them first."),
                            form_label=label)
    return _tokens_page(request, s, 201, issued=issued)


@router.post("/admin/tokens/{token_id}/revoke", dependencies=[page("admin")])
def revoke_token(token_id: UserId, s: SessionDep, me: CurrentUser) -> Response:
    users_api.revoke(token_id, s, me)
    return RedirectResponse("/admin/tokens?done=token_revoked", status_code=303)
