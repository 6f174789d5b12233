"""Classifying rows and stored articles with the promoted models: JSONL files streamed batch by batch, and the
archive's ``classifications``; the entry point the commands and the crawl use (it re-exports what they need of
:mod:`bantin.classify.classifier` and :mod:`bantin.classify.loading`, which say which models classify and how).

Stored articles keep one row each in ``classifications`` (keyed by article id, with the topic model's and the
relevance decision's version ids, NULL for the default model and the rules): :func:`reclassify_stored` redoes
exactly the rows whose topic model, relevance decision or province differs, so promoting or rolling back either
model re-classifies the archive, and a re-run after it finished does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bantin.classify.classifier import Classifier, topic_scores, widened
from bantin.classify.io import JsonlReader, Line, row_text
from bantin.classify.loading import (
    DEFAULT_MODEL_DIR,
    RELEVANCE_MODEL_NAME,
    STORED_MODEL_NAMES,
    TOPIC_MODEL_NAME,
    LazyMatcher,
    build_classifier,
    default_topic_model,
    language_detector,
)
from bantin.store.db import dialect_insert
from bantin.store.schema import Article, Classification
from bantin.store.types import utcnow

# The public names: the commands, the crawl, the API, tests and benches import them from here.
__all__ = [
    "BATCH", "DEFAULT_MODEL_DIR", "NO_TEXT", "RELEVANCE_MODEL_NAME", "STORED_MODEL_NAMES", "TOPIC_MODEL_NAME",
    "Classifier", "LazyMatcher", "build_classifier", "classify_file", "classify_lines", "default_topic_model",
    "language_detector", "reclassify_stored", "top_topic", "topic_scores", "upsert_classifications", "widened",
]

# Rows classified together: vectorising a batch is ~10x faster than row by row, and bounds memory.
BATCH = 256
NO_TEXT = "no text (needs `text`, or `title` and `summary`)"


def _batches(lines: Iterable[Line], size: int) -> Iterator[list[Line]]:
    batch: list[Line] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def classify_lines(clf: Classifier, batch: list[Line]) -> list[dict[str, Any]]:
    """Output rows for a batch of input lines, in order; bad rows get ``error`` instead of results."""
    out: list[dict[str, Any]] = []
    good: list[tuple[int, dict[str, Any]]] = []
    for line in batch:
        head: dict[str, Any] = {k: line.row[k] for k in ("id", "url") if line.row and k in line.row}
        if line.error or line.row is None:
            head.update(line=line.number, error=line.error)
        elif row_text(line.row) is None:
            head.update(line=line.number, error=NO_TEXT)
        else:
            good.append((len(out), line.row))
        out.append(head)
    for (i, _row), res in zip(good, clf.classify([r for _, r in good]), strict=True):
        out[i].update(res)
    return out


def classify_file(
    clf: Classifier, reader: JsonlReader, out: IO[str], on_batch: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> tuple[int, int]:
    """Stream ``reader`` to ``out`` (JSONL, one row per input row, in order); returns (rows, errors)."""
    rows = errors = 0
    for batch in _batches(reader, batch_size):
        for result in classify_lines(clf, batch):
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            errors += "error" in result
        rows += len(batch)
        if on_batch:
            on_batch(len(batch))
    return rows, errors


def reclassify_stored(
    sessions: sessionmaker[Session], clf: Classifier, on_batch: Callable[[int], None] | None = None,
    batch_size: int = BATCH, on_written: Callable[[Session, list[int]], None] | None = None,
) -> int:
    """(Re)classify stored articles whose classification is missing or from another model/province.

    Idempotent: each batch is upserted and committed in one transaction, so an interrupted run resumes
    where it stopped and a finished one finds nothing to do. ``on_written(session, article_ids)`` runs in
    that same transaction (the queue admits stories there: the effect and its record commit together).
    Returns how many articles were (re)classified.
    """
    done, last = 0, 0
    while True:
        with sessions() as s:
            q = (select(Article.id, Article.title, Article.text, Article.summary, Article.language)
                 .outerjoin(Classification, Classification.article_id == Article.id)
                 .where(Article.id > last)
                 .where((Classification.article_id.is_(None))
                        | Classification.model_version_id.is_distinct_from(clf.topic_version_id)
                        | Classification.relevance_version_id.is_distinct_from(clf.relevance_version_id)
                        | (Classification.province != clf.province))
                 .order_by(Article.id).limit(batch_size))
            page = s.execute(q).all()
            if not page:
                return done
            rows = [{"title": r.title, "text": r.text, "summary": r.summary, "language": r.language} for r in page]
            results = clf.classify(rows)
            upsert_classifications(s, [_record(r.id, res, clf) for r, res in zip(page, results, strict=True)])
            if on_written is not None:
                on_written(s, [r.id for r in page])
            s.commit()
        done, last = done + len(page), page[-1].id
        if on_batch:
            on_batch(len(page))


def _record(article_id: int, res: dict[str, Any], clf: Classifier) -> dict[str, Any]:
    prov = res["province"]
    return {"article_id": article_id, "model_version_id": clf.topic_version_id,
            "relevance_version_id": clf.relevance_version_id,
            "topics": json.dumps(res["topics"], ensure_ascii=False), "top_topic": top_topic(res["topics"]),
            "relevance": prov["relevance"],
            "relevance_score": float(prov["score"]), "province": clf.province,
            "places": json.dumps(prov["places"], ensure_ascii=False), "language": res["language"],
            "classified_at": utcnow()}


def top_topic(scores: dict[str, float]) -> str | None:
    """The best-scoring topic key (ties: the first in key order), None without scores."""
    return max(sorted(scores), key=lambda k: scores[k]) if scores else None


def upsert_classifications(session: Session, records: list[dict[str, Any]]) -> None:
    """Insert or replace classifications by article id (both dialects: INSERT ... ON CONFLICT DO UPDATE)."""
    if not records:
        return
    stmt = dialect_insert(session, Classification).values(records)
    cols = [k for k in records[0] if k != "article_id"]
    session.execute(stmt.on_conflict_do_update(
        index_elements=[Classification.article_id], set_={c: stmt.excluded[c] for c in cols}))
