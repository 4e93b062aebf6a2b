"""mail: the outbox, each user's mail language and confirmed address, purposes of one-time links

Accounts made before this revision count as confirmed (their addresses were in use already) and read
mail in Korean. The purposes are those of marketplace.domain.states when this was written.

Revision ID: 0016_mail
Revises: 0015_jobs
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_mail"
down_revision = "0015_jobs"
branch_labels = None
depends_on = None

LANGUAGES = ("ko", "en")
PURPOSES = ("set_password", "reset_password", "confirm_email")
MAIL_STATUSES = ("pending", "sending", "sent", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "outbox_mails",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("template", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("next_attempt_at", _utc(), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", _utc(), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.CheckConstraint(_in("status", MAIL_STATUSES), name=op.f("ck_outbox_mails_status")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_outbox_mails_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mails")),
        sa.UniqueConstraint("event_key", "recipient", name="uq_outbox_mails_event_key_recipient"),
    )
    op.create_index("ix_outbox_mails_status_next_attempt_at", "outbox_mails", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_outbox_mails_user_id"), "outbox_mails", ["user_id"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=False, server_default="ko"))
        batch_op.add_column(sa.Column("email_confirmed_at", _utc(), nullable=True))
        batch_op.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("notifications_off", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_check_constraint(op.f("ck_users_language"), _in("language", LANGUAGES))
    op.execute("UPDATE users SET email_confirmed_at = created_at")
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("language", server_default=None)
        batch_op.alter_column("notifications_off", server_default=None)
    with op.batch_alter_table("one_time_tokens") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.create_check_constraint(op.f("ck_one_time_tokens_purpose"), _in("purpose", PURPOSES))


def downgrade():
    with op.batch_alter_table("one_time_tokens") as batch_op:
        batch_op.drop_constraint(op.f("ck_one_time_tokens_purpose"), type_="check")
        batch_op.drop_column("email")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_language"), type_="check")
        batch_op.drop_column("notifications_off")
        batch_op.drop_column("pending_email")
        batch_op.drop_column("email_confirmed_at")
        batch_op.drop_column("language")
    op.drop_index(op.f("ix_outbox_mails_user_id"), table_name="outbox_mails")
    op.drop_index("ix_outbox_mails_status_next_attempt_at", table_name="outbox_mails")
    op.drop_table("outbox_mails")
