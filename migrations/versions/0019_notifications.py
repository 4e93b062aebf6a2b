"""notifications: the in-app inbox and each user's choices per kind of notification

The kinds are those of marketplace.domain.states.NotificationKind when this was written.

Revision ID: 0019_notifications
Revises: 0018_certificate_languages
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_notifications"
down_revision = "0018_certificate_languages"
branch_labels = None
depends_on = None

KINDS = (
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


def _kind_check() -> str:
    return f"kind IN ({', '.join(repr(k) for k in KINDS)})"


def _id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", _id(), nullable=False),
        sa.Column("recipient_id", _id(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_kind_check(), name=op.f("ck_notifications_kind")),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name=op.f("fk_notifications_recipient_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("recipient_id", "event_key", name="uq_notifications_recipient_id_event_key"),
    )
    op.create_index("ix_notifications_recipient_id_read_at", "notifications", ["recipient_id", "read_at"])
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", _id(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("mail", sa.Boolean(), nullable=False),
        sa.CheckConstraint(_kind_check(), name=op.f("ck_notification_preferences_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_preferences_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preferences")),
    )


def downgrade():
    op.drop_table("notification_preferences")
    op.drop_index("ix_notifications_recipient_id_read_at", table_name="notifications")
    op.drop_table("notifications")
