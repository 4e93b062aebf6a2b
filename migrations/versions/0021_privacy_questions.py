"""personal information: consents to the privacy notice, closed accounts; questions asked during a round

A user row gets closed_at (the person closed the account; the row stays, its personal details removed).
privacy_consents keeps each consent (notice version, where, the optional notification choice, when).
round_questions holds suppliers' questions and the ministry's published answers.

Revision ID: 0021_privacy_questions
Revises: 0020_api_tokens
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_privacy_questions"
down_revision = "0020_api_tokens"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "privacy_consents",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("policy_version", sa.String(length=20), nullable=False),
        sa.Column("context", sa.String(length=20), nullable=False),
        sa.Column("notifications", sa.Boolean(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("context IN ('registration', 'invitation')", name=op.f("ck_privacy_consents_context")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_privacy_consents_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_consents")),
    )
    with op.batch_alter_table("privacy_consents") as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_consents_user_id"), ["user_id"], unique=False)
    op.create_table(
        "round_questions",
        sa.Column("id", ID, nullable=False),
        sa.Column("round_id", ID, nullable=False),
        sa.Column("asked_by_id", ID, nullable=False),
        sa.Column("company_id", ID, nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_id", ID, nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('asked', 'answered')", name=op.f("ck_round_questions_status")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_questions_round_id_rounds")),
        sa.ForeignKeyConstraint(["asked_by_id"], ["users.id"], name=op.f("fk_round_questions_asked_by_id_users")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_round_questions_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_round_questions_answered_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_questions")),
    )
    with op.batch_alter_table("round_questions") as batch_op:
        batch_op.create_index(batch_op.f("ix_round_questions_asked_by_id"), ["asked_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_round_questions_company_id"), ["company_id"], unique=False)
        batch_op.create_index("ix_round_questions_round_status", ["round_id", "status"], unique=False)


def downgrade():
    with op.batch_alter_table("round_questions") as batch_op:
        batch_op.drop_index("ix_round_questions_round_status")
        batch_op.drop_index(batch_op.f("ix_round_questions_company_id"))
        batch_op.drop_index(batch_op.f("ix_round_questions_asked_by_id"))
    op.drop_table("round_questions")
    with op.batch_alter_table("privacy_consents") as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_consents_user_id"))
    op.drop_table("privacy_consents")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("closed_at")
