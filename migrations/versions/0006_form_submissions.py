"""form submissions: one-time form keys, claimed by the use case they were posted to

A repeated post of a form (double click, retry after a dropped connection) finds its key here and
is answered with the first outcome instead of doing the work again (marketplace/form_keys.py).

Revision ID: 0006_form_submissions
Revises: 0005_abuse
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_form_submissions"
down_revision = "0005_abuse"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("endpoint", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_form_submissions_user_id_users")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_form_submissions")),
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_submissions_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submissions_created_at"))
    op.drop_table("form_submissions")
