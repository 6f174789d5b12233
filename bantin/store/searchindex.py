"""The search index's table (``bantin.search.index`` writes it, with the article, in one transaction).

One row per article: ``doc`` is the folded search document. On SQLite it is the folded text, and the
FTS5 table ``article_fts`` indexes it as external content (triggers keep them in step); on PostgreSQL
it is the ``tsvector`` ('simple' configuration) of the same text, with a GIN index. The FTS5 table, its
triggers and the GIN index exist only in the database (migration 0007_search): ``DIALECT_OBJECTS``
names them for the schema comparison. The row goes with its article (ON DELETE CASCADE; retention
deletes it as a child row, which on SQLite fires the trigger that empties it from FTS5).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from bantin.store.schema import Base

FTS_TABLE = "article_fts"
GIN_INDEX = "ix_article_search_doc"
# Database objects of one dialect only, outside the model: the FTS5 table with its shadow tables (SQLite)
# and the GIN index (PostgreSQL).
DIALECT_OBJECTS = frozenset({FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config", "content")),
                             GIN_INDEX})


class ArticleSearch(Base):
    __tablename__ = "article_search"

    article_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True, autoincrement=False)
    doc: Mapped[str] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
