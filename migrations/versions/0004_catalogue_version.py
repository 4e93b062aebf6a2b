"""catalogue version: one counter raised by every change the public catalogue shows

The catalogue's page cache keys rendered pages by it (marketplace/services/catalogue_cache.py).

Revision ID: 0004_catalogue_version
Revises: 0003_circular_foreign_keys
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_catalogue_version"
down_revision = "0003_circular_foreign_keys"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "catalogue_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_catalogue_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("catalogue_version")
