"""foreign keys that close a cycle between tables (PostgreSQL)

SQLAlchemy leaves constraints marked use_alter out of CREATE TABLE, expecting an ALTER TABLE once
both tables exist. SQLite keeps them inline (it cannot add a constraint later), so only other
databases need this step.

Revision ID: 0003_circular_foreign_keys
Revises: 0002_certificate_types
"""
from alembic import op

revision = "0003_circular_foreign_keys"
down_revision = "0002_certificate_types"
branch_labels = None
depends_on = None

CONSTRAINTS = (
    ("fk_companies_decided_by_id_users", "companies", "users", "decided_by_id"),
    ("fk_quota_entries_order_id_orders", "quota_entries", "orders", "order_id"),
)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        return
    for name, source, target, column in CONSTRAINTS:
        op.create_foreign_key(name, source, target, [column], ["id"])


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        return
    for name, source, _target, _column in CONSTRAINTS:
        op.drop_constraint(name, source, type_="foreignkey")
