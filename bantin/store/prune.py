"""Retention: delete what is older than the configured retention (docs/principles.md, principle 3).

Deletes in bounded batches, each batch its own short transaction, so a running crawler waits at most one
batch for the write lock. Articles go with every row that references them, found by reflection (labels,
classifications, article URLs and any table a later migration adds, such as ``article_bands``); nullable
references (the frontier's ``article_id``, a cluster's origin, a story's origin, a tracked original's
article) are set to NULL. Clusters left without articles, and clusters merged into others (size 0), are
removed (a story's ``cluster_id`` becomes NULL: ``ON DELETE SET NULL``). Articles for which ``keep(title,
text)`` is true (those in a frozen evaluation set) stay with their labels. The office's tables follow the
rules of :mod:`bantin.store.prune_office` (expired browser sessions, old tracking checks, stopped tracking,
closed stories whose coverage is gone; open stories are never deleted). Audit rows older than the audit
retention are deleted, and no audit row is ever changed: the audit log keeps what happened. The caller
writes the audit row of the run. A dry run deletes nothing and counts exactly what a real run would delete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Column, Engine, MetaData, Table, delete, func, inspect, select, update

from bantin.store import office as _office  # noqa: F401 - the office's models, for their column types
from bantin.store.prune_policy import Keep, PruneReport, RetentionPolicy
from bantin.store.schema import Base
from bantin.store.types import utcnow

__all__ = ["PRUNE_BATCH", "Keep", "PruneReport", "Pruner", "RetentionPolicy", "prune"]

# Rows per transaction: ~10-50 ms on SQLite or PostgreSQL for an article batch with its children, short
# enough that the crawler's next write barely waits, large enough that a year's backlog takes minutes.
PRUNE_BATCH = 500
# Child tables of articles are emptied in this order first (the others follow alphabetically).
CHILD_ORDER = ("labels", "classifications", "article_urls")
FINISHED_FRONTIER = ("done", "failed")
# The schema as reflected, once per engine and again only when its table names change (a migration): a new
# MetaData every daily run gave SQLAlchemy's compiled-statement cache fresh copies of each statement to keep.
_REFLECTED: WeakKeyDictionary[Engine, MetaData] = WeakKeyDictionary()
# A dry run remembers the ids it would delete from these tables, so that a later rule reaching the same row
# (a story's tracking, a cluster's story) does not count it twice; they are small (a cluster is an int).
RECOUNTED = ("clusters", "tracked_originals", "tracking_checks")


@dataclass(frozen=True)
class _Ref:
    table: Table
    column: str
    nullable: bool


def _reflected(engine: Engine) -> MetaData:
    meta = _REFLECTED.get(engine)
    if meta is None or set(meta.tables) != set(inspect(engine).get_table_names()):
        meta = _REFLECTED[engine] = MetaData()
        meta.reflect(engine)
    return meta


class Pruner:
    def __init__(self, engine: Engine, policy: RetentionPolicy, *, now: datetime | None = None,
                 dry_run: bool = False, keep: Keep | None = None,
                 on_progress: Callable[[str, int], None] | None = None) -> None:
        self.engine, self.dry_run, self.keep = engine, dry_run, keep
        self.on_progress = on_progress or (lambda _table, _n: None)
        now = (now or utcnow()).astimezone(UTC)
        self.cutoffs = {"articles": now - timedelta(days=policy.articles_days),
                        "fetch_log": now - timedelta(days=policy.fetch_log_days),
                        "frontier": now - timedelta(days=policy.frontier_days),
                        "audit_log": now - timedelta(days=policy.audit_days),
                        "web_sessions": now}
        self.meta = _reflected(engine)  # the tables as migrated, including ones this module does not know
        self.report = PruneReport(dry_run, dict(self.cutoffs))
        self.doomed: dict[str, set[Any]] = {name: set() for name in RECOUNTED}  # dry run: ids counted
        self._refs_of: dict[str, list[_Ref]] = {}

    @property
    def batch(self) -> int:
        return PRUNE_BATCH

    def t(self, name: str) -> Table:
        """The model's table (its column types convert datetimes), else the reflected one."""
        known = Base.metadata.tables.get(name)
        return known if known is not None else self.meta.tables[name]

    def run(self) -> PruneReport:
        from bantin.store.prune_office import prune_office_before, prune_stories

        c = self.cutoffs
        fr = self.t("frontier")
        self.by_key("frontier", fr.c.state.in_(FINISHED_FRONTIER) & (fr.c.done_at < c["frontier"]))
        self.by_key("fetch_log", self.t("fetch_log").c.at < c["fetch_log"])
        prune_office_before(self)
        self._articles()
        cl, art = self.t("clusters"), self.t("articles")
        orphan = (cl.c.size == 0) & ~select(art.c.id).where(art.c.cluster_id == cl.c.id).exists()
        self.by_key("clusters", orphan)  # merged into another cluster
        prune_stories(self)
        self.by_key("audit_log", self.t("audit_log").c.at < c["audit_log"])
        return self.report

    def _count(self, table: str, n: int) -> None:
        self.report.deleted[table] += n
        if n:
            self.on_progress(table, self.report.deleted[table])

    def by_key(self, name: str, where: Any, *, tree: bool = False) -> None:
        """Delete the rows of ``name`` matching ``where``, PRUNE_BATCH per transaction (with ``tree``, each
        with every row that references it: :meth:`delete_rows`)."""
        table, last = self.t(name), None
        pk = _pk(table)
        while True:
            q = select(pk).where(where).order_by(pk).limit(PRUNE_BATCH)
            with self.engine.begin() as conn:
                ids = list(conn.scalars(q if last is None else q.where(pk > last)))
                if not ids:
                    return
                if tree:
                    self.delete_rows(conn, name, ids)
                else:
                    self._delete_ids(conn, table, ids)
            last = ids[-1]

    def _delete_ids(self, conn: Any, table: Table, ids: list[Any]) -> None:
        """Delete (in a dry run, count once) the rows ``ids`` of ``table``."""
        if not self.dry_run:
            self._count(table.name, conn.execute(delete(table).where(_pk(table).in_(ids))).rowcount or 0)
            return
        seen = self.doomed.get(table.name)
        if seen is None:
            self._count(table.name, len(ids))
            return
        new = [i for i in ids if i not in seen]
        seen.update(new)
        self._count(table.name, len(new))

    def delete_rows(self, conn: Any, name: str, ids: list[Any]) -> None:
        """Delete rows ``ids`` of ``name`` after every row that references them, recursively (found by
        reflection, so a table a later migration adds goes too); nullable references are set to NULL. Done
        here rather than left to ``ON DELETE CASCADE`` so that a dry run counts the same rows."""
        for ref in self.refs(name):
            col = ref.table.c[ref.column]
            if ref.nullable or "id" not in ref.table.c:
                self._drop_refs(conn, ref, ids)
                continue
            child = list(conn.scalars(select(ref.table.c.id).where(col.in_(ids)).order_by(ref.table.c.id)))
            for i in range(0, len(child), PRUNE_BATCH):
                self.delete_rows(conn, ref.table.name, child[i : i + PRUNE_BATCH])
        self._delete_ids(conn, self.t(name), ids)

    def refs(self, target: str = "articles") -> list[_Ref]:
        """Every column that references ``target``: non-nullable ones (children) first, in CHILD_ORDER."""
        if target in self._refs_of:
            return self._refs_of[target]
        refs = []
        for name, table in self.meta.tables.items():  # as reflected: no connection inside a transaction
            for fk in table.foreign_keys:
                if fk.column.table.name == target and name != target:
                    refs.append(_Ref(self.t(name), fk.parent.name, bool(fk.parent.nullable)))
        rank = {n: i for i, n in enumerate(CHILD_ORDER)}
        self._refs_of[target] = sorted(refs, key=lambda r: (r.nullable, rank.get(r.table.name, len(rank)),
                                                            r.table.name))
        return self._refs_of[target]

    def _articles(self) -> None:
        art = self.t("articles")
        refs, last = self.refs("articles"), 0
        cols = [art.c.id, art.c.cluster_id] + ([art.c.title, art.c.text] if self.keep else [])
        touched: Counter[int] = Counter()  # dry run: cluster → members that would go
        while True:
            with self.engine.begin() as conn:
                rows = conn.execute(select(*cols).where(art.c.fetched_at < self.cutoffs["articles"], art.c.id > last)
                                    .order_by(art.c.id).limit(PRUNE_BATCH)).all()
                if not rows:
                    break
                last = rows[-1].id
                if self.keep is not None:
                    n = len(rows)
                    rows = [r for r in rows if not self.keep(r.title, r.text)]
                    self.report.kept_frozen += n - len(rows)
                ids = [r.id for r in rows]
                clusters = sorted({r.cluster_id for r in rows if r.cluster_id is not None})
                if not ids:
                    continue
                for ref in refs:
                    self._drop_refs(conn, ref, ids)
                if self.dry_run:
                    touched.update(r.cluster_id for r in rows if r.cluster_id is not None)
                    self._count("articles", len(ids))
                    continue
                conn.execute(delete(art).where(art.c.id.in_(ids)))
                self._empty_clusters(conn, clusters)
            self._count("articles", len(ids))
        if self.dry_run and touched:
            self._count("clusters", self._would_empty(touched))

    def _drop_refs(self, conn: Any, ref: _Ref, ids: list[int]) -> None:
        col = ref.table.c[ref.column]
        if ref.nullable:  # a frontier row or cluster outlives the article it pointed at
            if not self.dry_run:
                conn.execute(update(ref.table).where(col.in_(ids)).values({ref.column: None}))
            return
        if self.dry_run:
            n = conn.scalar(select(func.count()).select_from(ref.table).where(col.in_(ids))) or 0
        else:
            n = conn.execute(delete(ref.table).where(col.in_(ids))).rowcount or 0
        self._count(ref.table.name, n)

    def _empty_clusters(self, conn: Any, clusters: list[int]) -> None:
        """Recount the clusters that lost members; delete the ones left empty."""
        if not clusters:
            return
        art, cl = self.t("articles"), self.t("clusters")
        members = select(func.count()).select_from(art).where(art.c.cluster_id == cl.c.id).scalar_subquery()
        conn.execute(update(cl).where(cl.c.id.in_(clusters)).values(size=members))
        gone = conn.execute(delete(cl).where(cl.c.id.in_(clusters), cl.c.size == 0)).rowcount or 0
        self._count("clusters", gone)

    def _would_empty(self, touched: Counter[int]) -> int:
        art, n = self.t("articles"), 0
        ids = sorted(touched)
        with self.engine.connect() as conn:
            for i in range(0, len(ids), PRUNE_BATCH):
                part = ids[i : i + PRUNE_BATCH]
                sizes = conn.execute(select(art.c.cluster_id, func.count()).where(art.c.cluster_id.in_(part))
                                     .group_by(art.c.cluster_id)).all()
                gone = [cid for cid, size in sizes if size == touched[cid]]
                self.doomed["clusters"].update(gone)  # their stories lose their cluster (prune_stories)
                n += len(gone)
        return n


def _pk(table: Table) -> Column[Any]:
    """The table's (single) primary-key column: ``id``, or ``token_hash`` for web sessions."""
    return next(iter(table.primary_key.columns))  # type: ignore[return-value]


def prune(engine: Engine, policy: RetentionPolicy, **kwargs: Any) -> PruneReport:
    """Delete (or, with ``dry_run=True``, count) everything past retention; see :class:`Pruner`."""
    return Pruner(engine, policy, **kwargs).run()
