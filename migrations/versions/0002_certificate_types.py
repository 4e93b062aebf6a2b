"""certificate types that qualify for the program (reference data)

Revision ID: 0002_certificate_types
Revises: 0001_initial
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_certificate_types"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# The rows as they stood when this revision was written: frozen here, so a later edit of the app's
# list (marketplace/domain/reference.py) does not change what a fresh database starts with.
CERTIFICATE_TYPES = (
    ("EPC", "성능인증", "Performance certification (EPC)"),
    ("PPS_EXCELLENT", "우수조달물품", "PPS excellent procurement product"),
    ("NEP", "신제품인증", "New excellent product (NEP)"),
    ("GS", "GS인증", "GS software certification"),
    ("INNOVATION", "혁신제품", "Innovation product"),
    ("WIN_WIN", "상생협력제품", "Win-win cooperation product"),
    ("INVENTION", "우수발명품", "Excellent invention product"),
    ("VENTURE", "벤처창업혁신조달상품", "Venture/startup innovative procurement product"),
    ("GREEN", "녹색기술제품", "Green technology product"),
    ("OTHER", "기타 중소벤처기업부 고시 인증", "Other type notified by the ministry"),
)

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
