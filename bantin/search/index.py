"""Writing the search index: one folded document per article, in the caller's transaction.

SQLite: ``article_search.doc`` holds the folded text; the FTS5 table ``article_fts`` (unicode61 over
already-folded tokens, so ``đ`` is ``d`` too, which FTS5's remove_diacritics does not do) indexes it as
external content, kept in step by triggers. PostgreSQL: ``article_search.doc`` is the ``tsvector``
('simple': no stemming, no stop words, right for Vietnamese syllables) of the same text, GIN-indexed. A
tsvector + GIN rather than pg_trgm: matches are whole words and phrases (trigrams would find "an" inside
"hanh" and need a recheck of every candidate), and GIN on lexemes is smaller than on trigrams.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, func, literal_column, select
from sqlalchemy.orm import Session

from bantin.search.tokens import document
from bantin.store.db import dialect_insert
from bantin.store.schema import Article
from bantin.store.searchindex import FTS_TABLE, GIN_INDEX, ArticleSearch

# Articles read and indexed per round of the migration's back-fill (a few MB of text per round).
BACKFILL_BATCH = 1000

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(doc, content='article_search', content_rowid='article_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",  # what the back-fill wrote before the triggers
    f"CREATE TRIGGER article_search_ai AFTER INSERT ON article_search BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, doc) VALUES (new.article_id, new.doc); END",
    f"CREATE TRIGGER article_search_ad AFTER DELETE ON article_search BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, doc) VALUES ('delete', old.article_id, old.doc); END",
    f"CREATE TRIGGER article_search_au AFTER UPDATE ON article_search BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, doc) VALUES ('delete', old.article_id, old.doc); "
    f"INSERT INTO {FTS_TABLE}(rowid, doc) VALUES (new.article_id, new.doc); END",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS article_search_au", "DROP TRIGGER IF EXISTS article_search_ad",
               "DROP TRIGGER IF EXISTS article_search_ai", f"DROP TABLE IF EXISTS {FTS_TABLE}")
PG_DDL = (f"CREATE INDEX {GIN_INDEX} ON article_search USING gin (doc)",)
PG_DROP = (f"DROP INDEX IF EXISTS {GIN_INDEX}",)


class Indexable(Protocol):
    id: int
    title: str | None
    summary: str | None
    text: str


@cache  # built once per dialect: building it cost ~0.5 ms per article stored
def _statement(dialect: str) -> Any:
    table: Any = ArticleSearch.__table__
    ins: Any = dialect_insert(dialect, table)
    doc: Any = bindparam("body")
    if dialect == "postgresql":  # the words are folded already: 'simple' only splits them and keeps positions
        doc = func.to_tsvector(literal_column("'simple'::regconfig"), doc)
    return _replacing(ins.values(article_id=bindparam("aid"), doc=doc))


def _replacing(ins: Any) -> Any:
    """The insert, rewriting the document of an article indexed already."""
    return ins.on_conflict_do_update(index_elements=[ins.table.c.article_id], set_={"doc": ins.excluded.doc})


# SQLite: up to this many documents go in one multi-row INSERT. FTS5 flushes its pending terms into a new segment
# at the start of every statement of the transaction (its xSavepoint), and executemany runs one statement per row:
# one statement for a group of stored articles (ingest.storegroups) flushes once. Past it (the back-fill), executemany.
SQLITE_MULTI_ROW_MAX = 32


@cache
def _multi_row_statement(n: int) -> Any:
    return _replacing(dialect_insert("sqlite", ArticleSearch.__table__).values(
        [{"article_id": bindparam(f"aid{i}"), "doc": bindparam(f"body{i}")} for i in range(n)]))


def _rows(articles: Iterable[Indexable | Any]) -> list[dict[str, Any]]:
    return [{"aid": a.id, "body": document(a.title, a.summary, a.text)} for a in articles]


def index_articles(session: Session | Connection, rows: Iterable[Indexable]) -> int:
    """Write (or rewrite) the search documents of ``rows`` in the session's (or connection's) transaction;
    the caller commits."""
    values = _rows(rows)
    if values:
        # a Core statement: the ORM's bulk-insert path adds nothing here
        conn = session.connection() if isinstance(session, Session) else session
        dialect_insert(conn.dialect.name, ArticleSearch)  # refuses a dialect bantin does not support
        if conn.dialect.name == "sqlite" and 1 < len(values) <= SQLITE_MULTI_ROW_MAX:
            params = {f"{key}{i}": v for i, row in enumerate(values) for key, v in row.items()}
            conn.execute(_multi_row_statement(len(values)), params)
        else:
            conn.execute(_statement(conn.dialect.name), values)
    return len(values)


def backfill(conn: Connection) -> int:
    """Index every stored article (the migration's back-fill), BACKFILL_BATCH per round."""
    stmt, last, n = _statement(conn.dialect.name), 0, 0
    art = Article.__table__
    while True:
        rows: Sequence[Any] = conn.execute(
            select(art.c.id, art.c.title, art.c.summary, art.c.text)
            .where(art.c.id > last).order_by(art.c.id).limit(BACKFILL_BATCH)).all()
        if not rows:
            return n
        conn.execute(stmt, _rows(rows))
        n += len(rows)
        last = rows[-1].id


def create_dialect_objects(conn: Connection) -> None:
    from sqlalchemy import text

    for ddl in SQLITE_DDL if conn.dialect.name == "sqlite" else PG_DDL:
        conn.execute(text(ddl))


def drop_dialect_objects(conn: Connection) -> None:
    from sqlalchemy import text

    for ddl in SQLITE_DROP if conn.dialect.name == "sqlite" else PG_DROP:
        conn.execute(text(ddl))
