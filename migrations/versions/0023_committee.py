"""an evaluation committee for a round: members (accounts of the new evaluator role), their assignments to
applications with declarations, recusals, scores and comments; the committee score on each application; the
round's finalisation and its minutes' SHA-256; the notification telling a member of an assignment

The role and notification-kind lists are copied here as they stood when this was written, so later edits
of the enums do not change this revision.

Revision ID: 0023_committee
Revises: 0022_after_pilot
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_committee"
down_revision = "0022_after_pilot"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ROLES_BEFORE = ("supplier", "buyer", "ministry")
ROLES = (*ROLES_BEFORE, "evaluator")
KINDS_BEFORE = (
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
)
KINDS = (*KINDS_BEFORE, "committee_assigned")
KIND_TABLES = ("notifications", "notification_preferences")


def _utc() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _checks(roles: tuple[str, ...], kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), _in("role", roles))
    for table in KIND_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_kind"), _in("kind", kinds))


def upgrade():
    op.create_table(
        "committee_members",
        sa.Column("id", ID, nullable=False),
        sa.Column("round_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("named_at", _utc(), nullable=False),
        sa.Column("named_by_id", ID, nullable=True),
        sa.ForeignKeyConstraint(["named_by_id"], ["users.id"], name=op.f("fk_committee_members_named_by_id_users")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_committee_members_round_id_rounds")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_committee_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_members")),
        sa.UniqueConstraint("round_id", "user_id", name="uq_committee_members_round_user"),
    )
    with op.batch_alter_table("committee_members") as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_members_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_committee_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "committee_assignments",
        sa.Column("id", ID, nullable=False),
        sa.Column("round_id", ID, nullable=False),
        sa.Column("application_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("assigned_at", _utc(), nullable=False),
        sa.Column("declared_at", _utc(), nullable=True),
        sa.Column("recused_at", _utc(), nullable=True),
        sa.Column("recusal_reason", sa.Text(), nullable=False),
        sa.Column("score_innovation", sa.Integer(), nullable=True),
        sa.Column("score_capability", sa.Integer(), nullable=True),
        sa.Column("score_need", sa.Integer(), nullable=True),
        sa.Column("comment_innovation", sa.Text(), nullable=False),
        sa.Column("comment_capability", sa.Text(), nullable=False),
        sa.Column("comment_need", sa.Text(), nullable=False),
        sa.Column("scored_at", _utc(), nullable=True),
        sa.CheckConstraint(
            "(score_innovation IS NULL AND score_capability IS NULL AND score_need IS NULL) OR "
            "(declared_at IS NOT NULL AND score_innovation IS NOT NULL AND score_capability IS NOT NULL "
            "AND score_need IS NOT NULL)",
            name=op.f("ck_committee_assignments_scored_after_declaring"),
        ),
        sa.CheckConstraint(
            "declared_at IS NULL OR recused_at IS NULL", name=op.f("ck_committee_assignments_declared_or_recused")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_committee_assignments_application_id_applications")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["committee_members.id"], name=op.f("fk_committee_assignments_member_id_committee_members")
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_committee_assignments_round_id_rounds")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_committee_assignments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_assignments")),
        sa.UniqueConstraint("application_id", "user_id", name="uq_committee_assignments_application_user"),
    )
    with op.batch_alter_table("committee_assignments") as batch_op:
        for column in ("application_id", "member_id", "round_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_committee_assignments_{column}"), [column], unique=False)

    with op.batch_alter_table("applications") as batch_op:
        batch_op.add_column(sa.Column("committee_score_hundredths", sa.Integer(), nullable=True))
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.add_column(sa.Column("scores_finalised_at", _utc(), nullable=True))
        batch_op.add_column(sa.Column("scores_finalised_by_id", ID, nullable=True))
        batch_op.add_column(sa.Column("minutes_json", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("minutes_sha256", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_rounds_scores_finalised_by_id_users"), "users", ["scores_finalised_by_id"], ["id"]
        )
    _checks(ROLES, KINDS)


def downgrade():
    for table in KIND_TABLES:
        op.execute(f"DELETE FROM {table} WHERE kind = 'committee_assigned'")  # noqa: S608 - constants
    _checks(ROLES_BEFORE, KINDS_BEFORE)  # refused while an evaluator account exists: close it first
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_rounds_scores_finalised_by_id_users"), type_="foreignkey")
        batch_op.drop_column("minutes_sha256")
        batch_op.drop_column("minutes_json")
        batch_op.drop_column("scores_finalised_by_id")
        batch_op.drop_column("scores_finalised_at")
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_column("committee_score_hundredths")
    op.drop_table("committee_assignments")
    op.drop_table("committee_members")
