"""relief serial reservations: a serial held for an order's first certificate while its PDF is rendered again

Issuing renders the certificate outside the write lock; when its serial was taken meanwhile, the next
free one is reserved for the order here, so the second render keeps its number (see
marketplace/services/relief_certificates.py). Nothing existing is carried: the table starts empty.

Revision ID: 0013_relief_serial_reservations
Revises: 0012_state_checks
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_relief_serial_reservations"
down_revision = "0012_state_checks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "relief_serial_reservations",
        sa.Column("serial", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_relief_serial_reservations_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_relief_serial_reservations")),
        sa.UniqueConstraint("order_id", name=op.f("uq_relief_serial_reservations_order_id")),
    )


def downgrade():
    op.drop_table("relief_serial_reservations")
