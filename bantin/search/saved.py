"""Saved searches as listings: the stored query and filters (JSON) → :class:`ArticleFilters`.

``saved_searches.filters`` holds the names of ``GET /articles``' parameters: topic, relevance, source_id,
language, from, to (ISO 8601), cluster_id. Queue and alert rules read a saved search through here too.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bantin.search.listing import ArticleFilters

FILTER_KEYS = ("topic", "relevance", "source_id", "language", "from", "to", "cluster_id")


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def filters_of(query: str | None, filters_json: str | None) -> ArticleFilters:
    """The listing filters of a saved search (unknown keys are ignored, bad values dropped)."""
    try:
        raw = json.loads(filters_json or "{}")
    except ValueError:
        raw = {}
    if not isinstance(raw, dict):
        raw = {}

    def text(key: str) -> str | None:
        v = raw.get(key)
        return v if isinstance(v, str) and v else None

    def number(key: str) -> int | None:
        v = raw.get(key)
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    try:
        start, end = _when(raw.get("from")), _when(raw.get("to"))
    except ValueError:
        start = end = None
    return ArticleFilters(q=query or None, topic=text("topic"), relevance=text("relevance"),
                          source_id=number("source_id"), language=text("language"), published_from=start,
                          published_to=end, cluster_id=number("cluster_id"))
