"""certificate types that qualify for the program (reference data)

Revision ID: 0002_certificate_types
Revises: 0001_initial
"""
import sqlalchemy as sa
from alembic import op

from marketplace.domain.reference import CERTIFICATE_TYPES

revision = "0002_certificate_types"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

table = sa.table(
    "certificate_types",
    sa.column("code", sa.String), sa.column("name_ko", sa.String), sa.column("name_en", sa.String),
    sa.column("active", sa.Boolean), sa.column("sort_order", sa.Integer),
)


def upgrade():
    op.bulk_insert(table, [
        {"code": code, "name_ko": ko, "name_en": en, "active": True, "sort_order": order}
        for order, (code, ko, en) in enumerate(CERTIFICATE_TYPES)
    ])


def downgrade():
    op.execute(table.delete())
