"""Labelled relevance items for the learned decision: from a JSONL file, or from the analysts' labels (table ``labels``).

An item is ``{province, title, summary, text, label}``: the matcher needs the fields apart (title, lead, body) and
the province the label is about. A file row has ``province``, ``relevance`` (or ``label``) and ``title`` /
``summary`` / ``text``, or only a ``url``: its text is then joined from the stored articles by canonical URL
(``data/relevance/dev_labels.jsonl`` is such a file). In the registry's frozen evaluation set an item is one
``(text, label)`` row whose text is the item's JSON (:func:`encode`), so the set is hashed, stored and compared
as every other model's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.classify.io import DataFileError, JsonlReader
from bantin.classify.labels import RELEVANCE, RELEVANCE_VALUES
from bantin.store.schema import Article, Label

Item = dict[str, str]
TEXT_FIELDS = ("title", "summary", "text")
# A relevance training/evaluation file holds at most this many rows (hand labels: thousands, not millions).
MAX_ITEMS = 200_000
# Bad rows named in the one-line error, at most.
SHOW_BAD = 5


def item(province: str, label: str, title: str | None = None, summary: str | None = None,
         text: str | None = None) -> Item:
    return {"province": province, "title": title or "", "summary": summary or "", "text": text or "",
            "label": label}


def encode(it: Item) -> tuple[str, str]:
    """The registry row of an item: (its province and fields as canonical JSON, label)."""
    body = {k: it[k] for k in ("province", *TEXT_FIELDS)}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")), it["label"]


def decode(row: tuple[str, str]) -> Item:
    """The item of a registry row; DataFileError when the row is not an encoded relevance item."""
    text, label = row
    try:
        body = json.loads(text)
        return item(str(body["province"]), label, *(_str(body.get(k)) for k in TEXT_FIELDS))
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(f"not a relevance evaluation row (expected the item's JSON): {text[:60]!r}") from exc


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def stored_by_url(session: Session) -> Callable[[list[str]], dict[str, Item]]:
    """url -> the stored article's title/summary/text, for file rows that only carry a URL."""
    def lookup(urls: list[str]) -> dict[str, Item]:
        found: dict[str, Item] = {}
        for i in range(0, len(urls), 500):
            q = select(Article.canonical_url, Article.title, Article.summary, Article.text).where(
                Article.canonical_url.in_(urls[i : i + 500]))
            for url, title, summary, text in session.execute(q):
                found[url] = item("", "", title, summary, text)
        return found
    return lookup


def read_items(path: Path, lookup: Callable[[list[str]], dict[str, Item]] | None = None) -> list[Item]:
    """All items of a relevance JSONL; any bad row refuses the file with one line naming the first few."""
    raw: list[tuple[int, dict[str, Any]]] = []
    bad: list[str] = []
    with JsonlReader(path) as reader:
        for line in reader:
            row = line.row
            if line.error or row is None:
                bad.append(f"line {line.number}: {line.error}")
                continue
            label, province = row.get("relevance", row.get("label")), row.get("province")
            if label not in RELEVANCE_VALUES:
                bad.append(f"line {line.number}: relevance must be one of {', '.join(RELEVANCE_VALUES)}")
            elif not isinstance(province, str) or not province.strip():
                bad.append(f"line {line.number}: no `province`")
            else:
                raw.append((line.number, row))
            if len(raw) > MAX_ITEMS:
                raise DataFileError(f"{path}: more than {MAX_ITEMS} rows")
    urls = [str(r["url"]) for _, r in raw if not any(_str(r.get(k)) for k in TEXT_FIELDS) and r.get("url")]
    joined = lookup(urls) if (lookup and urls) else {}
    items: list[Item] = []
    for number, r in raw:
        fields = {k: _str(r.get(k)) for k in TEXT_FIELDS}
        if not any(fields.values()):
            fields = {k: joined.get(str(r.get("url")), {}).get(k) for k in TEXT_FIELDS}
        if not (fields["title"] or fields["summary"] or fields["text"]):
            bad.append(f"line {number}: no text (needs `title`/`summary`/`text`, or the `url` of a stored article)")
            continue
        items.append(item(r["province"].strip(), str(r.get("relevance", r.get("label"))), **fields))
    if bad:
        more = f" (+{len(bad) - SHOW_BAD} more)" if len(bad) > SHOW_BAD else ""
        raise DataFileError(f"{path}: {len(bad)} bad rows: {'; '.join(bad[:SHOW_BAD])}{more}")
    return items


def labelled_items(session: Session) -> list[Item]:
    """The analysts' relevance labels with their articles: one item per (article, province), the latest label."""
    q = (select(Label.article_id, Label.province, Label.value, Article.title, Article.summary, Article.text)
         .join(Article, Article.id == Label.article_id)
         .where(Label.kind == RELEVANCE, Label.province.is_not(None))
         .order_by(Label.article_id, Label.province, Label.created_at, Label.id))
    latest: dict[tuple[int, str], Item] = {}
    for aid, province, value, title, summary, text in session.execute(q):
        latest[(aid, str(province))] = item(str(province), value, title, summary, text)
    return list(latest.values())
