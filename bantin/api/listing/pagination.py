"""Bounded lists: every list route takes ``limit`` (at most MAX_LIMIT) and, where lists can be long, an
opaque keyset ``cursor`` (the sort key of the last item returned), never an offset."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import HTTPException, Query
from pydantic import BaseModel

# A page the web UI shows at once; scripts page through with the cursor.
DEFAULT_LIMIT = 50
# No response lists more rows than this: bounded memory and time per request (exports stream instead).
MAX_LIMIT = 200
# Cursors are short JSON; anything longer is not ours.
MAX_CURSOR_CHARS = 500

LimitQ = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"rows per page (at most {MAX_LIMIT})")]
CursorQ = Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS, description="next_cursor of the previous page")]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The key of a cursor made by :func:`encode_cursor` (422 for anything else)."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(422, "cursor không hợp lệ (invalid cursor)") from None
    if not isinstance(key, list) or len(key) != arity:
        raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
    return key
