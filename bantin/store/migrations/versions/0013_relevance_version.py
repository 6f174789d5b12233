"""classifications.relevance_version_id: which learned relevance decision decided each stored row

Revision ID: 0013_relevance_version
Revises: 0012_rollup_statement_triggers
Create Date: 2026-12-02

A stored classification named only its topic model's version, so promoting (or rolling back) a learned
relevance decision left every stored article with the earlier decision's answer. With the decision's version
id beside it (NULL: the matcher's rules, as every existing row was decided), ``reclassify_stored`` redoes the
rows of another decision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from bantin.store.migrations import revision_module

revision = "0013_relevance_version"
down_revision = "0012_rollup_statement_triggers"
branch_labels = None
depends_on = None

FK = "fk_classifications_relevance_version_id"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuilt(lambda b: b.add_column(_column()), lambda b: b.create_foreign_key(
            FK, "model_versions", ["relevance_version_id"], ["id"], ondelete="SET NULL"))
        return
    op.add_column("classifications", _column())
    op.create_foreign_key(FK, "classifications", "model_versions", ["relevance_version_id"], ["id"],
                          ondelete="SET NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuilt(lambda b: b.drop_constraint(FK, type_="foreignkey"), lambda b: b.drop_column("relevance_version_id"))
        return
    op.drop_constraint(FK, "classifications", type_="foreignkey")
    op.drop_column("classifications", "relevance_version_id")


def _column() -> sa.Column:
    return sa.Column("relevance_version_id", sa.Integer(), nullable=True)


def _rebuilt(*changes: Callable[[Any], None]) -> None:
    """SQLite: ``classifications`` rebuilt with ``changes`` (a foreign key cannot be added or dropped in place,
    and ALTER TABLE's inline REFERENCES is not reflected with its ON DELETE); a rebuild drops the table's
    triggers, so the rollup's (0008) are made again, over the same rows."""
    rollup = revision_module("0008_coverage_days.py")
    for name in rollup.SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("classifications", recreate="always") as batch_op:
        for change in changes:
            change(batch_op)
    for ddl in rollup._sqlite_ddl():
        op.execute(ddl)
