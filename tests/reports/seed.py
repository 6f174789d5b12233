"""Rows for report and export tests, written straight to the tables (fast: no crawl, no classifier)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bantin.store.schema import Article, Classification, Source

# Rows built in Python before they are sent: a few MB of dicts at most, whatever ``count`` is.
BULK_BATCH = 5000


def source(s: Session, name: str, country: str | None = None, language: str | None = None) -> int:
    src = Source(name=name, country=country, language=language)
    s.add(src)
    s.flush()
    return src.id


def article(s: Session, n: int, published: datetime | None, *, source_id: int | None = None,
            language: str | None = "vi", relevance: str | None = "primary", topic: str | None = "tourism",
            title: str | None = None, summary: str | None = None) -> int:
    url = f"https://news.example.test/bai-{n}.html"
    a = Article(canonical_url=url, source_id=source_id, title=title or f"Bài {n} về Nghệ An",
                text=f"Nội dung {n}", summary=summary, published_at=published, language=language,
                content_hash=hashlib.sha256(url.encode()).hexdigest())
    s.add(a)
    s.flush()
    if relevance is not None:
        s.add(Classification(article_id=a.id, topics="{}", top_topic=topic, relevance=relevance,
                             relevance_score=1.0, province="Nghệ An", places="[]", language=language))
    return a.id


def many_articles(s: Session, count: int, published: datetime, source_id: int | None, *, start: int = 0,
                  title: str = "Lễ hội đền Cuông ở Nghệ An – “du lịch” mùa xuân") -> None:
    """``count`` classified articles in bulk (core inserts; no ORM objects kept), in the caller's transaction
    (on PostgreSQL the rollup's statement triggers make one transaction of many rows of one day cheap)."""
    batch: list[dict[str, Any]] = []
    for i in range(start, start + count):
        url = f"https://bulk.example.test/tin-{i}.html"
        batch.append({"id": i + 1, "canonical_url": url, "source_id": source_id, "title": f"{title} {i}",
                      "text": "Nội dung", "summary": "Tóm tắt tiếng Việt: đường sắt, cầu, sân bay", "published_at": published,
                      "language": "vi", "content_hash": hashlib.sha256(url.encode()).hexdigest(),
                      "fetched_at": published})
        if len(batch) == BULK_BATCH or i == start + count - 1:
            # RETURNING: SQLAlchemy then sends many rows a statement (insertmanyvalues), which PostgreSQL's rollup
            # triggers sum in one upsert; a plain executemany is one statement a row there
            s.execute(Article.__table__.insert().returning(Article.__table__.c.id), batch)
            s.execute(Classification.__table__.insert().returning(Classification.__table__.c.article_id), [
                {"article_id": r["id"], "topics": "{}", "top_topic": "tourism", "relevance": "primary",
                 "relevance_score": 1.0, "province": "Nghệ An", "places": "[]", "language": "vi",
                 "classified_at": published} for r in batch])
            batch = []
