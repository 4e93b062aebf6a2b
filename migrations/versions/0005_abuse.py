"""abuse: sign-in throttling instead of a lockout, TOTP second factor, join requests without an account

users.locked_until becomes login_retry_at (a short delay, not a lock); login_failures counts failures
per account and client; users carry a TOTP secret and recovery_codes hold hashed one-time codes;
institutions keep the contact of a join request until staff approve it.

Revision ID: 0005_abuse
Revises: 0004_catalogue_version
"""
import sqlalchemy as sa
from alembic import op

import marketplace.models.types

revision = "0005_abuse"
down_revision = "0004_catalogue_version"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("locked_until", new_column_name="login_retry_at")
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=False, server_default=""))
    op.create_table(
        "login_failures",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("retry_at", marketplace.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", marketplace.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_login_failures_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
        sa.UniqueConstraint("user_id", "client", name="uq_login_failures_user_client"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("used_at", marketplace.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", marketplace.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("code_sha256", name=op.f("uq_recovery_codes_code_sha256")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)
    # A pending join request's contact was an inactive buyer without a password: move it onto the request.
    op.execute(
        "UPDATE institutions SET contact_name = (SELECT u.name FROM users u WHERE u.institution_id = "
        "institutions.id AND u.password_hash IS NULL AND u.active = false ORDER BY u.id LIMIT 1), "
        "contact_email = (SELECT u.email FROM users u WHERE u.institution_id = institutions.id "
        "AND u.password_hash IS NULL AND u.active = false ORDER BY u.id LIMIT 1) "
        "WHERE status = 'pending' AND EXISTS (SELECT 1 FROM users u WHERE u.institution_id = institutions.id "
        "AND u.password_hash IS NULL AND u.active = false)"
    )


def downgrade():
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_codes_user_id"))
    op.drop_table("recovery_codes")
    op.drop_table("login_failures")
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.drop_column("contact_email")
        batch_op.drop_column("contact_name")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
        batch_op.alter_column("login_retry_at", new_column_name="locked_until")

