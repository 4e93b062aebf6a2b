"""tracks: a round's tracks (startup, general), each with its budget share, cap and weights; an application's track

Revision ID: 0025_tracks
Revises: 0024_objections
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_tracks"
down_revision = "0024_objections"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "round_tracks",
        sa.Column("id", _id(), nullable=False),
        sa.Column("round_id", _id(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("share_percent", sa.Integer(), nullable=False),
        sa.Column("cap_krw", sa.BigInteger(), nullable=False),
        sa.Column("weight_first_timer", sa.Integer(), nullable=False),
        sa.Column("weight_startup", sa.Integer(), nullable=False),
        sa.Column("weight_general", sa.Integer(), nullable=False),
        sa.Column("record_limit_krw", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("kind IN ('startup', 'general')", name=op.f("ck_round_tracks_kind")),
        sa.CheckConstraint("share_percent >= 1 AND share_percent <= 100", name=op.f("ck_round_tracks_share_range")),
        sa.CheckConstraint("cap_krw > 0", name=op.f("ck_round_tracks_cap_positive")),
        sa.CheckConstraint(
            "(kind = 'general' AND record_limit_krw IS NOT NULL) OR (kind <> 'general' AND record_limit_krw IS NULL)",
            name=op.f("ck_round_tracks_record_limit_for_general"),
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_tracks_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_tracks")),
        sa.UniqueConstraint("round_id", "kind", name="uq_round_tracks_round_kind"),
    )
    with op.batch_alter_table("round_tracks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_tracks_round_id"), ["round_id"], unique=False)
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("track_id", _id(), nullable=True))
        batch_op.create_index(batch_op.f("ix_applications_track_id"), ["track_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_track_id_round_tracks"), "round_tracks", ["track_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_applications_track_id_round_tracks"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_applications_track_id"))
        batch_op.drop_column("track_id")
    with op.batch_alter_table("round_tracks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_tracks_round_id"))
    op.drop_table("round_tracks")
