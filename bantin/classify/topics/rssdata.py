"""Real RSS items (title + summary) for the topic model: the labelled sets, their parts, the items.

The labelled sets (data/topics/, #12) store only URL, topic and a short note; the texts are joined at run time
from ../shared/data/news/rss_articles.jsonl.gz (they belong to their publishers and never enter the repo).
LABELS, the first 400 items, was split by a stable hash of the URL into tune / held-out; since the fresh set
exists both halves are tuning data. FRESH and FRESH2 (250 items each, drawn later) were the held-out sets until
FRESH3 (300 items, drawn and labelled on 2026-12-03 before any model ran on them) existed, and FRESH3 was until
FRESH4 (300 more, drawn and labelled the same way in session 14), and FRESH4 was until FRESH5 (300 more, session 16);
since then the five earlier sets are the analysts' labels the recipe trains on (TRAINING_SETS). POOL and POOL2 (6,000
and 9,000 items drawn in session 17 for training alone, labelled by reading the same way) joined them. FRESH5 (looked at once before)
and FRESH6 (300 items drawn and labelled in session 17 before any model ran on them) are the held-out sets: never
training data, never used for a choice, each look counted in data/topics/heldout_looks.json.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LABELS = ROOT / "data" / "topics" / "rss_topic_labels.jsonl"
FRESH = ROOT / "data" / "topics" / "rss_topic_labels_fresh.jsonl"
FRESH2 = ROOT / "data" / "topics" / "rss_topic_labels_fresh2.jsonl"
FRESH3 = ROOT / "data" / "topics" / "rss_topic_labels_fresh3.jsonl"
FRESH4 = ROOT / "data" / "topics" / "rss_topic_labels_fresh4.jsonl"
FRESH5 = ROOT / "data" / "topics" / "rss_topic_labels_fresh5.jsonl"
FRESH6 = ROOT / "data" / "topics" / "rss_topic_labels_fresh6.jsonl"
POOL = ROOT / "data" / "topics" / "rss_topic_labels_pool.jsonl"
POOL2 = ROOT / "data" / "topics" / "rss_topic_labels_pool2.jsonl"
# The analysts' labels the topic recipe trains on (the fresh sets were held out once; the looks are in
# heldout_looks.json; POOL and POOL2 were drawn for training only).
TRAINING_SETS = (LABELS, FRESH, FRESH2, FRESH3, FRESH4, POOL, POOL2)
# The held-out sets of the current recipe.
HELD_OUT_SETS = (FRESH5, FRESH6)
# Every labelled set: none of their items is ever a weak or self-trained row.
ALL_SETS = (*TRAINING_SETS, *HELD_OUT_SETS)
# How the RSS archive sits under ../shared/data.
RSS_PATH = Path("news") / "rss_articles.jsonl.gz"
PARTS = ("tune", "heldout")


def rss_text(row: dict) -> str:
    """Title + summary, the form bantin classifies RSS items in."""
    return f"{row.get('title') or ''}\n{row.get('summary') or ''}"


def rss_rows(shared_data: Path) -> Iterator[dict]:
    with gzip.open(shared_data / RSS_PATH, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def part_of(url: str) -> str:
    """"tune" or "heldout": half each, by the parity of the URL's SHA-256 (stable across runs and machines)."""
    return PARTS[int(hashlib.sha256(url.encode("utf-8")).hexdigest()[:8], 16) % 2]


def labelled(path: Path = LABELS) -> list[dict]:
    """The labelled rows (url, topic, note?) with their ``part``."""
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for r in rows:
        r["part"] = part_of(r["url"])
    return rows


def labelled_urls(*paths: Path) -> set[str]:
    """URLs of the labelled sets (default: all of them, ALL_SETS): never weakly labelled training rows."""
    return {r["url"] for p in (paths or ALL_SETS) if p.is_file() for r in labelled(p)}


def labelled_texts(shared_data: Path, part: str | None = None, path: Path = LABELS) -> tuple[list[str], list[str]]:
    """(texts, topics) of the labelled set (one part or both), texts joined from the archive by URL."""
    return _joined(shared_data, [r for r in labelled(path) if part is None or r["part"] == part])


def _joined(shared_data: Path, rows: list[dict]) -> tuple[list[str], list[str]]:
    """(texts, topics) of labelled ``rows``, in order; the texts from one pass over the archive."""
    want = {r["url"] for r in rows}
    texts = {row["url"]: rss_text(row) for row in rss_rows(shared_data) if row["url"] in want}
    missing = want - texts.keys()
    if missing:
        raise ValueError(f"{len(missing)} labelled URLs are not in {shared_data / RSS_PATH}")
    return [texts[r["url"]] for r in rows], [r["topic"] for r in rows]


def training_labelled(shared_data: Path) -> tuple[list[str], list[str]]:
    """(texts, topics) of TRAINING_SETS, set after set (the order of training_parts)."""
    return _joined(shared_data, [r for path in TRAINING_SETS for r in labelled(path)])


def training_parts() -> list[str]:
    """The URL-hash half (the fold) of each item of training_labelled, in its order; read from the label files."""
    return [r["part"] for path in TRAINING_SETS for r in labelled(path)]
