"""article_bands: the shared near-duplicate lookup (MinHash LSH band keys), back-filled; frontier.fetch_url

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bantin.dedup.index import band_keys
from bantin.dedup.minhash import signature_from_bytes

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Articles back-filled per SELECT/INSERT round: 64 band rows each, so one batch is 64k rows (a few MB).
BACKFILL_BATCH = 1000

_articles = sa.table("articles", sa.column("id", sa.BigInteger()), sa.column("minhash", sa.LargeBinary()))
_bands = sa.table("article_bands", sa.column("article_id", sa.BigInteger()), sa.column("band", sa.SmallInteger()),
                  sa.column("key", sa.BigInteger()))


def _backfill() -> None:
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
        values = [{"article_id": aid, "band": band, "key": key}
                  for aid, sig in rows if sig
                  for band, key in enumerate(band_keys(signature_from_bytes(sig)).tolist())]
        if values:
            conn.execute(_bands.insert(), values)
        last = rows[-1][0]


def upgrade() -> None:
    op.create_table(
        "article_bands",
        sa.Column("article_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "band"),
    )
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fetch_url", sa.String(length=2000), nullable=True))
    _backfill()
    # built after the back-fill: one sort instead of an index update per row
    op.create_index("ix_article_bands_band_key", "article_bands", ["band", "key", "article_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_article_bands_band_key", table_name="article_bands")
    with op.batch_alter_table("frontier", schema=None) as batch_op:
        batch_op.drop_column("fetch_url")
    op.drop_table("article_bands")
