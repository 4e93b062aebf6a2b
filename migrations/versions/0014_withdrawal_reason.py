"""an application keeps the reason its supplier gave for withdrawing it

Applications withdrawn before this revision get an empty reason (their audit events have none either).

Revision ID: 0014_withdrawal_reason
Revises: 0013_relief_serial_reservations
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_withdrawal_reason"
down_revision = "0013_relief_serial_reservations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications") as batch_op:
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("applications") as batch_op:
        batch_op.alter_column("withdrawal_reason", server_default=None)


def downgrade():
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_column("withdrawal_reason")
