"""the demand-driven track: an institution's needs and the suppliers' proposals against them

Also two notification kinds: suppliers learn of a need in their category, the institution of each proposal.

Revision ID: 0028_needs
Revises: 0027_track_redraws
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_needs"
down_revision = "0027_track_redraws"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "round_opened",
    "round_closing",
    "eligibility_result",
    "selection_result",
    "allocation_changed",
    "order_placed",
    "order_cancelled",
    "evaluation_received",
    "certificate_expiring",
    "company_decided",
    "certificate_decided",
    "allocations_published",
    "allocation_expiring",
    "evaluation_due",
    "quota_low",
    "review_waiting",
    "daily_digest",
    "committee_assigned",
    "objection_filed",
    "objection_decided",
)
NEW_KINDS = (*OLD_KINDS, "need_posted", "proposal_received")


def _set_kinds(kinds) -> None:
    for table in ("notifications", "notification_preferences"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
            batch_op.create_check_constraint("kind", f"kind IN ({', '.join(repr(k) for k in kinds)})")


def upgrade():
    op.create_table(
        "needs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("posted_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("budget_krw", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shortlist_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("round_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'shortlisting', 'evaluating', 'selected', 'closed', 'withdrawn')",
            name=op.f("ck_needs_status"),
        ),
        sa.CheckConstraint("budget_krw > 0", name=op.f("ck_needs_budget_positive")),
        sa.CheckConstraint("deadline_at > posted_at", name=op.f("ck_needs_deadline_after_posting")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_needs_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"], name=op.f("fk_needs_institution_id_institutions")
        ),
        sa.ForeignKeyConstraint(["posted_by_id"], ["users.id"], name=op.f("fk_needs_posted_by_id_users")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_needs_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs")),
        sa.UniqueConstraint("number", name=op.f("uq_needs_number")),
        sa.UniqueConstraint("round_id", name=op.f("uq_needs_round_id")),
    )
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_needs_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_needs_institution_id"), ["institution_id"], unique=False)

    op.create_table(
        "need_proposals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("need_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("proposed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shortlist_reason", sa.Text(), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.CheckConstraint(
            "status IN ('submitted', 'withdrawn', 'shortlisted', 'not_shortlisted', 'selected', 'not_selected')",
            name=op.f("ck_need_proposals_status"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_need_proposals_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_need_proposals_company_id_companies")),
        sa.ForeignKeyConstraint(["need_id"], ["needs.id"], name=op.f("fk_need_proposals_need_id_needs")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_need_proposals_product_id_products")),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["users.id"], name=op.f("fk_need_proposals_proposed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_proposals")),
        sa.UniqueConstraint("application_id", name=op.f("uq_need_proposals_application_id")),
        sa.UniqueConstraint("need_id", "product_id", name="uq_need_proposals_need_product"),
    )
    with op.batch_alter_table("need_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_proposals_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_proposals_need_id"), ["need_id"], unique=False)

    _set_kinds(NEW_KINDS)


def downgrade():
    for table in ("notifications", "notification_preferences"):
        op.execute(f"DELETE FROM {table} WHERE kind IN ('need_posted', 'proposal_received')")  # noqa: S608
    _set_kinds(OLD_KINDS)
    with op.batch_alter_table("need_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_proposals_need_id"))
        batch_op.drop_index(batch_op.f("ix_need_proposals_company_id"))

    op.drop_table("need_proposals")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needs_institution_id"))
        batch_op.drop_index(batch_op.f("ix_needs_category"))

    op.drop_table("needs")
