"""article_bands: the shared near-duplicate lookup (MinHash LSH band keys), back-filled; frontier.fetch_url

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Articles back-filled per SELECT/INSERT round: 64 band rows each, so one batch is 64k rows (a few MB).
BACKFILL_BATCH = 1000

_articles = sa.table("articles", sa.column("id", sa.BigInteger()), sa.column("minhash", sa.LargeBinary()))
_bands = sa.table("article_bands", sa.column("key", sa.BigInteger()), sa.column("article_id", sa.BigInteger()))


def _backfill() -> None:
    # imported here: every command loads this script to learn the head revision, and datasketch costs
    # ~0.3 s of each start-up (``bantin classify`` has a 2 s budget)
    from bantin.dedup.index import band_keys
    from bantin.dedup.minhash import signature_from_bytes

    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(_articles.c.id, _articles.c.minhash)
            .where(_articles.c.id > last, _articles.c.minhash.is_not(None))
            .order_by(_articles.c.id).limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        values = [{"key": key, "article_id": aid}
                  for aid, sig in rows if sig for key in band_keys(signature_from_bytes(sig)).tolist()]
        if values:  # in key order: neighbouring rows of the primary-key B-tree are written together
            conn.execute(_bands.insert(), sorted(values, key=lambda v: v["key"]))
        last = rows[-1][0]


def upgrade() -> None:
    op.create_table(
        "article_bands",
        sa.Column("key", sa.BigInteger(), nullable=False),  # band << 32 | band hash (dedup.index.band_keys)
        sa.Column("article_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "article_id"),
        sqlite_with_rowid=False,  # the primary key is the lookup and the table (half the size of rowid + index)
    )
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fetch_url", sa.String(length=2000), nullable=True))
    _backfill()
    # built after the back-fill: one sort instead of an index update per row
    op.create_index("ix_article_bands_article_id", "article_bands", ["article_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_article_bands_article_id", table_name="article_bands")
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.drop_column("fetch_url")
    op.drop_table("article_bands")
