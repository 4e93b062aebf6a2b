"""the product categories a round is for: its opening is told to the suppliers of those categories, and only
their products may apply; a round without any (every earlier round) stays open to every category

Revision ID: 0026_round_categories
Revises: 0025_tracks
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_round_categories"
down_revision = "0025_tracks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "round_categories",
        sa.Column("round_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_categories_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("round_id", "category", name=op.f("pk_round_categories")),
    )


def downgrade():
    op.drop_table("round_categories")
