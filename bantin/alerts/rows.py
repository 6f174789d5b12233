"""Input rows → ``(series, time)`` events for the detector, with the bad rows counted by reason.

A row has ``published`` (ISO 8601; without an offset it is Vietnam time) and, per series kind, ``topics`` (a
list, or topic → score as ``bantin classify`` writes it) or ``label`` (one topic), ``source``, ``language``;
a series is a topic, an outlet or a language, never a person: any author or byline field is ignored
(docs/principles.md, principle 1); ``all`` is the whole province's coverage (every row).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from bantin.alerts.explain import VIETNAM

SERIES_KINDS = ("topic", "source", "language", "all")
# A series name longer than this is not a topic, outlet or language code but garbage.
MAX_NAME_CHARS = 200
# Topics per row beyond this: the row is not a classification but garbage.
MAX_TOPICS_PER_ROW = 20
# ``topics`` as ``bantin classify`` writes it (topic → score): a topic counts from the topic model's own
# decision threshold (DEFAULT_THRESHOLD in bantin/classify/topics/model.py, not imported: it loads scikit-learn).
TOPIC_MIN_SCORE = 0.5


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=VIETNAM) if when.tzinfo is None else when


def _name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    name = unicodedata.normalize("NFC", " ".join(value.split()))
    return name if 0 < len(name) <= MAX_NAME_CHARS else None


def series_of(row: dict[str, Any], kind: str) -> tuple[list[str], str | None]:
    """(series names, reason the row is bad or None)."""
    if kind == "all":
        return ["all"], None
    if kind == "topic":
        topics = row.get("topics")
        if topics is None and "label" in row:
            topics = [row["label"]]
        if topics is None:
            return [], "no_topics"
        if isinstance(topics, dict) and len(topics) <= MAX_TOPICS_PER_ROW:
            if not all(isinstance(v, (int, float)) for v in topics.values()):
                return [], "bad_topics"
            topics = [k for k, v in topics.items() if v >= TOPIC_MIN_SCORE]
            if not topics:
                return [], "no_topic_above_threshold"
        if not isinstance(topics, list) or len(topics) > MAX_TOPICS_PER_ROW:
            return [], "bad_topics"
        names = [_name(t) for t in topics]
        if any(n is None for n in names):
            return [], "bad_topics"
        return sorted({n for n in names if n}), None
    name = _name(row.get(kind))
    if name is None:
        return [], f"no_{kind}" if row.get(kind) is None else f"bad_{kind}"
    return [name], None


def events(lines: Iterable[str], kind: str, bad: Counter[str]) -> Iterator[tuple[str, datetime]]:
    """Events from JSON lines (blank lines skipped); each bad line adds one to ``bad[reason]``."""
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            bad["not_json"] += 1
            continue
        if not isinstance(row, dict):
            bad["not_an_object"] += 1
            continue
        when = parse_time(row.get("published"))
        if when is None:
            bad["no_published" if row.get("published") is None else "bad_published"] += 1
            continue
        names, reason = series_of(row, kind)
        if reason:
            bad[reason] += 1
            continue
        for name in names:
            yield f"{kind}:{name}" if kind != "all" else "all", when
