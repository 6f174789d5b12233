"""The coverage rollup: how many articles per Vietnamese calendar day and key, kept by the database itself.

One row of ``coverage_days`` per (day, relevance, top_topic, source_id, language) with its count ``n``: the
articles published that day (``bantin.reports.days.vn_day`` of ``published_at``; undated articles are not
counted) with that classification, outlet and language. The reports (``bantin.reports.coverage``) read it
instead of grouping the articles, so a year's report reads tens of thousands of rows instead of a million
articles; the domestic/foreign rule joins ``sources`` at read time (an outlet's country and language may
change; a few hundred outlets are cheap to join).

Triggers on ``articles`` and ``classifications`` keep the counts right on every write path (SQLite: row
triggers, migration 0008_coverage_days; PostgreSQL: statement-level plpgsql triggers that sum a statement's
transition tables per key and upsert each key once, migration 0012_rollup_statement_triggers, so that many
articles of one key in one statement cost each the same; one-row statements still update the key's row
once each): the crawler's ingest, archive
import, classification and re-classification (upserts), retention pruning, bulk ``INSERT ... SELECT``
(bench/build_db.py; on PostgreSQL the triggers are ``ENABLE ALWAYS``, so they fire under
``session_replication_role = replica`` too) and a deleted outlet (``ON DELETE SET NULL`` is an update of
the article). Nothing in Python writes this table.

The key has no NULLs (NULLs are distinct in unique keys, so an upsert would never find the row): the
sentinels below stand for "none" and the reports map them back to None. A count that falls to 0 keeps
its row (the next article of that key reuses it); the reports skip keys whose sum is 0.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from bantin.store.schema import Base

# The key's "none": an unclassified article (relevance), no top topic, no language ...
NO_VALUE = ""
# ... and no outlet (source ids start at 1).
NO_SOURCE = 0
# What the database objects are called (migration 0008_coverage_days creates and drops them).
TABLE = "coverage_days"
# PostgreSQL's scratch table outside the model (migration 0012): a deleted article's classification, kept by a
# BEFORE DELETE row trigger for its statement's AFTER trigger (the cascade deletes it in between); empty
# between statements. Named for the schema comparison, as searchindex.DIALECT_OBJECTS.
DIALECT_OBJECTS = frozenset({"coverage_days_leaving"})


class CoverageDay(Base):
    __tablename__ = TABLE

    day: Mapped[date] = mapped_column(Date)
    relevance: Mapped[str] = mapped_column(String(10))  # primary | mention | none | NO_VALUE (unclassified)
    top_topic: Mapped[str] = mapped_column(String(50))  # a taxonomy key | NO_VALUE
    source_id: Mapped[int] = mapped_column(Integer)  # sources.id (no foreign key: NO_SOURCE) | NO_SOURCE
    language: Mapped[str] = mapped_column(String(10))  # the article's language | NO_VALUE
    n: Mapped[int] = mapped_column(Integer)

    # the key leads with the day: a report's range is one contiguous stretch of the key (SQLite keeps the
    # rows in key order: WITHOUT ROWID)
    __table_args__ = (PrimaryKeyConstraint("day", "relevance", "top_topic", "source_id", "language",
                                           name="pk_coverage_days"),
                      {"sqlite_with_rowid": False})
