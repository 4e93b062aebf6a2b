"""OCDS releases: each change of a round's contracting process, as published at the time

Rounds opened before this revision get their releases from `flask ocds backfill`.

Revision ID: 0017_ocds_releases
Revises: 0016_mail
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_ocds_releases"
down_revision = "0016_mail"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ocds_releases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=False),  # no foreign key: see models/open_data.py
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tag", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocds_releases")),
    )
    with op.batch_alter_table("ocds_releases") as batch_op:
        batch_op.create_index("ix_ocds_releases_round", ["round_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ocds_releases_date"), ["date"], unique=False)


def downgrade():
    with op.batch_alter_table("ocds_releases") as batch_op:
        batch_op.drop_index(batch_op.f("ix_ocds_releases_date"))
        batch_op.drop_index("ix_ocds_releases_round")
    op.drop_table("ocds_releases")
