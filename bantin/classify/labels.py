"""Analysts' labels on stored articles (table ``labels``): topics (taxonomy keys) and province relevance.

Each label keeps who (``cli:<user>`` from the CLI) and when. Adding the same label twice is a no-op (the
unique constraint ``uq_labels_once``); a labeller's new relevance label for an article replaces their earlier
one (relevance has one value), while topics accumulate (an article may cover several). Topics describe what
an article covers; the taxonomy deliberately has no key for dissent or speech about rights.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bantin.store.schema import Article, Label

TOPIC, RELEVANCE = "topic", "relevance"
RELEVANCE_VALUES = ("primary", "mention", "none")
# Labelled rows are read this many at a time, so exporting or training stays flat in memory.
PAGE = 500


class LabelError(Exception):
    """A label cannot be stored (unknown article, unknown topic key, bad relevance value)."""


def topic_keys() -> list[str]:
    """The taxonomy's topic keys, the only values a topic label may take."""
    from bantin.classify.topics.taxonomy import TOPIC_KEYS

    return list(TOPIC_KEYS)


def article_text(title: str | None, text: str | None) -> str:
    """The text models see for a stored article (same composition as :func:`bantin.classify.io.row_text`)."""
    from bantin.classify.io import row_text

    return row_text({"title": title, "text": text}) or ""


@dataclass(frozen=True)
class LabelResult:
    label: Label
    created: bool  # False when the same label by the same labeller already existed
    replaced: tuple[str, ...] = ()  # earlier relevance values of this labeller that the new one replaced


def add_label(
    session: Session, article_id: int, kind: str, value: str, *, labeller: str, province: str | None = None
) -> LabelResult:
    """Store one label (validated). The caller commits."""
    if session.get(Article, article_id) is None:
        raise LabelError(f"không có bài (no article) {article_id}")
    replaced: tuple[str, ...] = ()
    if kind == TOPIC:
        keys = topic_keys()
        if value not in keys:
            raise LabelError(f"chủ đề không có trong phân loại (unknown topic key) {value!r}; keys: {', '.join(keys)}")
        province = None
    elif kind == RELEVANCE:
        if value not in RELEVANCE_VALUES:
            raise LabelError(f"relevance must be one of {', '.join(RELEVANCE_VALUES)}, not {value!r}")
        if not province:
            raise LabelError("a relevance label needs the province it is about")
        mine = (Label.article_id == article_id, Label.kind == RELEVANCE, Label.labeller == labeller,
                Label.province == province, Label.value != value)
        replaced = tuple(session.scalars(select(Label.value).where(*mine)))
        session.execute(delete(Label).where(*mine))
    else:
        raise LabelError(f"unknown label kind {kind!r}")
    existing = _find(session, article_id, kind, value, labeller)
    if existing is not None:
        return LabelResult(existing, False, replaced)
    label = Label(article_id=article_id, kind=kind, value=value, province=province, labeller=labeller)
    try:
        with session.begin_nested():  # a concurrent identical label wins the race: ours becomes a no-op
            session.add(label)
    except IntegrityError:
        found = _find(session, article_id, kind, value, labeller)
        if found is None:
            raise
        return LabelResult(found, False, replaced)
    return LabelResult(label, True, replaced)


def remove_label(session: Session, article_id: int, kind: str, value: str, *, labeller: str) -> int:
    """Remove a labeller's label; returns how many rows went (0 or 1). The caller commits."""
    result = session.execute(delete(Label).where(
        Label.article_id == article_id, Label.kind == kind, Label.value == value, Label.labeller == labeller))
    return int(getattr(result, "rowcount", 0) or 0)


def _find(session: Session, article_id: int, kind: str, value: str, labeller: str) -> Label | None:
    return session.scalar(select(Label).where(
        Label.article_id == article_id, Label.kind == kind, Label.value == value, Label.labeller == labeller))


def iter_labelled(session: Session, kind: str = TOPIC, province: str | None = None) -> Iterator[dict[str, Any]]:
    """One row per distinct (article, value) of ``kind``, in article order, with the article's text."""
    last = 0
    while True:
        q = (select(Article.id, Article.title, Article.text, Article.canonical_url).join(Label,
             Label.article_id == Article.id).where(Label.kind == kind, Article.id > last)
             .distinct().order_by(Article.id).limit(PAGE))
        if province is not None and kind == RELEVANCE:
            q = q.where(Label.province == province)
        page = session.execute(q).all()
        if not page:
            return
        ids = [r.id for r in page]
        vq = select(Label.article_id, Label.value).where(Label.kind == kind, Label.article_id.in_(ids)).distinct()
        if province is not None and kind == RELEVANCE:
            vq = vq.where(Label.province == province)
        values: dict[int, set[str]] = {}
        for aid, value in session.execute(vq):
            values.setdefault(aid, set()).add(value)
        for r in page:
            for value in sorted(values.get(r.id, ())):
                yield {"id": r.id, "url": r.canonical_url, "text": article_text(r.title, r.text), "label": value}
        last = ids[-1]


def topic_training_rows(session: Session) -> list[tuple[str, str]]:
    """Analysts' topic labels as ``(text, topic key)`` training rows (one per distinct article and topic)."""
    return [(r["text"], r["label"]) for r in iter_labelled(session, TOPIC) if r["text"]]


def export_labelled(session: Session, out: IO[str], kind: str = TOPIC, province: str | None = None) -> int:
    """Write labelled rows as JSONL (``id``, ``url``, ``text``, ``label``): a training file. Caller audits."""
    n = 0
    for row in iter_labelled(session, kind, province):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n
