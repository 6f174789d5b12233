from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# One line of printable text (no control characters: they break logs and PostgreSQL refuses NUL).
LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
# The api_tokens.label column holds 200 characters.
MAX_LABEL_CHARS = 200


class TokenPublic(BaseModel):
    """A token's public fields: never its secret or its hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    user_name: str
    label: str | None
    prefix: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreate(BaseModel):
    user_id: int = Field(ge=1, le=2**31 - 1)
    label: str | None = Field(default=None, max_length=MAX_LABEL_CHARS, pattern=LINE_PATTERN)


class TokenIssued(TokenPublic):
    token: str = Field(description="the token itself: shown this once, stored only as its SHA-256")
