"""after the pilot: follow-on purchases of pilot products, and corrective actions of their suppliers

A follow-on purchase is an institution buying a pilot product again, outside the quota, linked to the
completed pilot order it follows. A corrective action opens when an evaluation is poor or the goods are
rejected at inspection; while one of a company's is not accepted (or closed), the company cannot apply.

Revision ID: 0022_after_pilot
Revises: 0021_privacy_questions
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_after_pilot"
down_revision = "0021_privacy_questions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "corrective_actions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("cause", sa.String(length=30), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("plan_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cause IN ('low_evaluation', 'rejected_inspection')", name=op.f("ck_corrective_actions_cause")
        ),
        sa.CheckConstraint(
            "state IN ('opened', 'plan_submitted', 'accepted', 'rejected', 'closed')",
            name=op.f("ck_corrective_actions_state"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_corrective_actions_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"], name=op.f("fk_corrective_actions_institution_id_institutions")
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_corrective_actions_order_id_orders")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_corrective_actions_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrective_actions")),
        sa.UniqueConstraint("order_id", name=op.f("uq_corrective_actions_order_id")),
    )
    with op.batch_alter_table("corrective_actions", schema=None) as batch_op:
        batch_op.create_index("ix_corrective_actions_company_state", ["company_id", "state"], unique=False)

    op.create_table(
        "follow_on_purchases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("buyer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("contracted_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_krw", sa.BigInteger(), nullable=False),
        sa.Column("contract_method", sa.String(length=30), nullable=False),
        sa.Column("reference", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('recorded', 'cancelled')", name=op.f("ck_follow_on_purchases_status")),
        sa.CheckConstraint("amount_krw > 0", name=op.f("ck_follow_on_purchases_amount_positive")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_follow_on_purchases_quantity_positive")),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], name=op.f("fk_follow_on_purchases_buyer_id_users")),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"], name=op.f("fk_follow_on_purchases_institution_id_institutions")
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_follow_on_purchases_order_id_orders")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_follow_on_purchases_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_on_purchases")),
    )
    with op.batch_alter_table("follow_on_purchases", schema=None) as batch_op:
        batch_op.create_index("ix_follow_on_purchases_institution_status", ["institution_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_on_purchases_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_on_purchases_product_id"), ["product_id"], unique=False)


def downgrade():
    with op.batch_alter_table("follow_on_purchases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_on_purchases_product_id"))
        batch_op.drop_index(batch_op.f("ix_follow_on_purchases_order_id"))
        batch_op.drop_index("ix_follow_on_purchases_institution_status")

    op.drop_table("follow_on_purchases")
    with op.batch_alter_table("corrective_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_corrective_actions_company_state")

    op.drop_table("corrective_actions")
