from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bantin.accounts.users import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, NAME_RE
from bantin.api.schemas.tokens import LINE_PATTERN

# users.display_name holds 200 characters.
MAX_DISPLAY_NAME_CHARS = 200

Role = Literal["viewer", "reviewer", "analyst", "admin"]


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    display_name: str | None
    role: str
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None


class UserCreate(BaseModel):
    name: str = Field(min_length=2, max_length=100, pattern=NAME_RE.pattern)
    role: Role
    password: str = Field(min_length=MIN_PASSWORD_CHARS, max_length=MAX_PASSWORD_CHARS)
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_CHARS, pattern=LINE_PATTERN)


class UserUpdate(BaseModel):
    """Only the fields sent change; ``display_name: null`` clears the display name."""

    role: Role | None = None
    disabled: bool | None = None
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_CHARS, pattern=LINE_PATTERN)
    password: str | None = Field(default=None, min_length=MIN_PASSWORD_CHARS, max_length=MAX_PASSWORD_CHARS)


class LoginRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=LINE_PATTERN)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    user: UserPublic
    via: str
    csrf_token: str | None = None
