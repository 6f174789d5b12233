"""Counting looks at held-out sets (#12): every scoring run of a held-out set adds one dated entry, with why.

Shared by bench/topics_rss.py (data/topics/heldout_looks.json) and bench/relevance.py
(data/relevance/heldout_looks.json); a figure's report says how many times its set was looked at.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path


def record_look(looks_file: Path, key: str, note: str, file: str | None = None) -> int:
    """Add a look at the set ``key`` (created with ``file``, its path, when new); the number of looks at it so far."""
    looks = json.loads(looks_file.read_text(encoding="utf-8")) if looks_file.is_file() else {}
    entry = looks.setdefault(key, {**({"file": file} if file else {}), "looks": []})
    entry["looks"].append({"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"), "note": note})
    looks_file.write_text(json.dumps(looks, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entry["looks"])
