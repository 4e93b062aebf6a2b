"""background jobs: the draw's rate estimate and large purchase reports run in a worker process

Each job's state, progress, who asked and where its result is stored. Nothing existing is carried:
the table starts empty (draws already drawn keep the estimate they stored).

Revision ID: 0015_jobs
Revises: 0014_withdrawal_reason
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_jobs"
down_revision = "0014_withdrawal_reason"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("requested_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("result_file_id", ID, nullable=True),
        sa.Column("result_name", sa.String(length=255), nullable=False),
        sa.CheckConstraint("kind IN ('draw_estimate', 'purchase_report')", name=op.f("ck_jobs_kind")),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_state")),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_jobs_progress_percent")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_jobs_requested_by_id_users")),
        sa.ForeignKeyConstraint(
            ["result_file_id"], ["stored_files.id"], name=op.f("fk_jobs_result_file_id_stored_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.create_index("ix_jobs_requested_by_kind", ["requested_by_id", "kind"], unique=False)
        batch_op.create_index("ix_jobs_state_heartbeat", ["state", "heartbeat_at"], unique=False)


def downgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_index("ix_jobs_state_heartbeat")
        batch_op.drop_index("ix_jobs_requested_by_kind")
    op.drop_table("jobs")
