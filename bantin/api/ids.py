"""Bounded ids in paths: a number outside the column's range is a 422, not a database overflow (a 500)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

# sources, feeds, model_versions have INTEGER keys (32-bit on PostgreSQL).
MAX_INT32_ID = 2**31 - 1
# articles, labels and the other big tables have BIGINT keys on PostgreSQL.
MAX_INT64_ID = 2**63 - 1

Int32Id = Annotated[int, Path(ge=1, le=MAX_INT32_ID)]
Int64Id = Annotated[int, Path(ge=1, le=MAX_INT64_ID)]
