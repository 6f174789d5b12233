"""article_search: the full-text search index (SQLite FTS5 external content / PostgreSQL tsvector + GIN),
back-filled from the stored articles

Revision ID: 0007_search
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

from bantin.search.index import backfill, create_dialect_objects, drop_dialect_objects

revision = "0007_search"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_search",
        sa.Column("article_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False,
                  nullable=False),
        sa.Column("doc", sa.Text().with_variant(TSVECTOR(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    conn = op.get_bind()
    backfill(conn)
    create_dialect_objects(conn)  # after the back-fill: one index build instead of an update per row


def downgrade() -> None:
    drop_dialect_objects(op.get_bind())
    op.drop_table("article_search")
