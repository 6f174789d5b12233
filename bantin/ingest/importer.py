"""``bantin articles import``: archive rows stored through the crawl's own path (``ingest.store.ingest``:
exact and near-duplicate dedup, clusters, the search index), BATCH rows per transaction, idempotent (a
second import of a file finds every row a duplicate by its URL).

Sources, by the row's ``source`` name (or the default name): a source of that name, else one whose name
folds to the same (case and diacritics aside), else the crawled publisher whose home page or feeds are on
the article URL's host (an archive of a known publisher attaches to it), else a new source of kind
"import", disabled (it has no feeds; the crawler never polls it), named as the row says. A row without a
name whose host no source has is refused (``no_source``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bantin.app.stats import StatsLike
from bantin.ingest.rows import Row
from bantin.ingest.store import ingest
from bantin.store.migrate import refresh_stale
from bantin.store.schema import Feed, Source
from bantin.text.diacritics import fold

# Rows per transaction: ~0.5-2 s of work, so a crawler writing beside the import waits at most that long
# for SQLite's write lock, and an interrupted import loses at most one batch (re-running it is idempotent).
BATCH = 500
# Line numbers kept per refusal reason for the report (the counts are complete).
MAX_REPORTED_LINES = 5
# A batch that lost a unique-constraint race with a crawler is run again (it then sees the other's rows).
BATCH_ATTEMPTS = 3
IMPORT_KIND = "import"


@dataclass
class ImportReport:
    read: int = 0
    new: int = 0
    duplicates: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    refused_lines: dict[str, list[int]] = field(default_factory=dict)
    sources_created: list[str] = field(default_factory=list)

    def refuse(self, reason: str, line: int) -> None:
        self.refused[reason] += 1
        lines = self.refused_lines.setdefault(reason, [])
        if len(lines) < MAX_REPORTED_LINES:
            lines.append(line)

    def as_dict(self) -> dict[str, Any]:
        return {"read": self.read, "new": self.new, "duplicates": self.duplicates,
                "refused": sum(self.refused.values()), "refused_by_reason": dict(self.refused),
                "refused_lines": self.refused_lines, "sources_created": self.sources_created}


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _key(name: str) -> str:
    return " ".join(fold(name).lower().split())


class SourceResolver:
    """Source names (and article hosts) → source ids, creating import sources as needed (see the module)."""

    def __init__(self, session: Session, report: ImportReport) -> None:
        self.report = report
        self.by_name: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.by_host: dict[str, int] = {}
        for sid, name, home, kind in session.execute(select(Source.id, Source.name, Source.home_url, Source.kind)
                                                     .order_by(Source.id)):
            self._learn(sid, name)
            if home and kind != IMPORT_KIND:
                self.by_host.setdefault(_host(home), sid)
        for sid, url in session.execute(select(Feed.source_id, Feed.url).order_by(Feed.source_id)):
            self.by_host.setdefault(_host(url), sid)

    def _learn(self, sid: int, name: str) -> None:
        self.by_name.setdefault(name, sid)
        self.by_key.setdefault(_key(name), sid)

    def known(self, name: str | None, url: str) -> int | None:
        if name is not None:
            found = self.by_name.get(name) or self.by_key.get(_key(name))
            if found is not None:
                return found
        return self.by_host.get(_host(url))

    def create(self, session: Session, name: str, url: str) -> int:
        parts = urlsplit(url)
        src = Source(name=name, kind=IMPORT_KIND, enabled=False, home_url=f"{parts.scheme}://{parts.netloc}/")
        session.add(src)
        session.flush()
        self._learn(src.id, name)
        self.report.sources_created.append(name)
        return src.id


def import_rows(sessions: sessionmaker[Session], rows: Iterable[Row], stats: StatsLike,
                on_batch: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Store ``rows`` (parsed by :func:`bantin.ingest.rows.parse_row`), BATCH per transaction."""
    report = ImportReport()
    with sessions() as s:
        resolver = SourceResolver(s, report)
    batch: list[Row] = []
    for row in rows:
        report.read += 1
        if row.article is None:
            report.refuse(row.reason or "refused", row.line)
            continue
        batch.append(row)
        if len(batch) >= BATCH:
            _store(sessions, resolver, batch, report, stats)
            batch = []
            refresh_stale(sessions.kw["bind"])  # PostgreSQL plans the next batch's lookups from fresh statistics
            if on_batch:
                on_batch(report)
    if batch:
        _store(sessions, resolver, batch, report, stats)
    if on_batch:
        on_batch(report)
    return report


def _store(sessions: sessionmaker[Session], resolver: SourceResolver, batch: list[Row], report: ImportReport,
           stats: StatsLike) -> None:
    for attempt in range(BATCH_ATTEMPTS):
        created = len(report.sources_created)
        with sessions() as s:
            counts = Counter[str]()
            no_source: list[int] = []
            try:
                for row in batch:
                    assert row.article is not None
                    sid = resolver.known(row.source, row.article.canonical_url)
                    if sid is None and row.source is None:
                        no_source.append(row.line)
                        continue
                    if sid is None:
                        sid = resolver.create(s, row.source or "", row.article.canonical_url)
                    result = ingest(s, replace(row.article, source_id=sid), stats)
                    counts["new" if result.outcome == "new" else "dup"] += 1
                s.commit()
            except IntegrityError:
                s.rollback()
                _forget(resolver, report, created)
                if attempt == BATCH_ATTEMPTS - 1:
                    raise
                continue
        report.new += counts["new"]
        report.duplicates += counts["dup"]
        for line in no_source:
            report.refuse("no_source", line)
        return


def _forget(resolver: SourceResolver, report: ImportReport, created: int) -> None:
    """Sources created in a rolled-back batch do not exist: drop them from the caches."""
    for name in report.sources_created[created:]:
        resolver.by_name.pop(name, None)
        resolver.by_key.pop(_key(name), None)
    del report.sources_created[created:]
