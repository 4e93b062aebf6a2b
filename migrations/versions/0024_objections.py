"""objections: an applicant's objection to its application's published result, its documents, its remedy

Also two notification kinds: staff learn that an objection was filed, the supplier that it was decided.

Revision ID: 0024_objections
Revises: 0023_committee
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_objections"
down_revision = "0023_committee"
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
)
NEW_KINDS = (*OLD_KINDS, "objection_filed", "objection_decided")


def _kind_check(kinds) -> str:
    return f"kind IN ({', '.join(repr(k) for k in kinds)})"


def _id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _set_kinds(kinds) -> None:
    for table in ("notifications", "notification_preferences"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
            batch_op.create_check_constraint("kind", _kind_check(kinds))


def upgrade():
    op.create_table(
        "objections",
        sa.Column("id", _id(), nullable=False),
        sa.Column("round_id", _id(), nullable=False),
        sa.Column("application_id", _id(), nullable=False),
        sa.Column("company_id", _id(), nullable=False),
        sa.Column("filed_by_id", _id(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", _id(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remedy_kind", sa.String(length=20), nullable=True),
        sa.Column("remedy_note", sa.Text(), nullable=False),
        sa.Column("scores_before", sa.JSON(), nullable=True),
        sa.Column("scores_after", sa.JSON(), nullable=True),
        sa.Column("allocation_id", _id(), nullable=True),
        sa.Column("result_version", sa.Integer(), nullable=True),
        sa.Column("remedied_by_id", _id(), nullable=True),
        sa.Column("remedied_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('filed', 'upheld', 'dismissed', 'remedied')", name=op.f("ck_objections_state")
        ),
        sa.CheckConstraint("remedy_kind IN ('rescored', 'reinstated')", name=op.f("ck_objections_remedy_kind")),
        sa.ForeignKeyConstraint(
            ["allocation_id"], ["allocations.id"], name=op.f("fk_objections_allocation_id_allocations")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_objections_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name=op.f("fk_objections_company_id_companies")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_objections_decided_by_id_users")),
        sa.ForeignKeyConstraint(["filed_by_id"], ["users.id"], name=op.f("fk_objections_filed_by_id_users")),
        sa.ForeignKeyConstraint(["remedied_by_id"], ["users.id"], name=op.f("fk_objections_remedied_by_id_users")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_objections_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
        sa.UniqueConstraint("application_id", name=op.f("uq_objections_application_id")),
        sa.UniqueConstraint("round_id", "number", name="uq_objections_round_number"),
        sa.UniqueConstraint("round_id", "result_version", name="uq_objections_round_result_version"),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objections_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objections_round_id"), ["round_id"], unique=False)
        batch_op.create_index("ix_objections_state_due", ["state", "due_on"], unique=False)

    op.create_table(
        "objection_documents",
        sa.Column("objection_id", _id(), nullable=False),
        sa.Column("stored_file_id", _id(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objection_id"],
            ["objections.id"],
            name=op.f("fk_objection_documents_objection_id_objections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"], ["stored_files.id"], name=op.f("fk_objection_documents_stored_file_id_stored_files")
        ),
        sa.PrimaryKeyConstraint("objection_id", "stored_file_id", name=op.f("pk_objection_documents")),
    )
    _set_kinds(NEW_KINDS)


def downgrade():
    for table in ("notifications", "notification_preferences"):
        op.execute(f"DELETE FROM {table} WHERE kind IN ('objection_filed', 'objection_decided')")  # noqa: S608
    _set_kinds(OLD_KINDS)
    op.drop_table("objection_documents")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index("ix_objections_state_due")
        batch_op.drop_index(batch_op.f("ix_objections_round_id"))
        batch_op.drop_index(batch_op.f("ix_objections_company_id"))
    op.drop_table("objections")
