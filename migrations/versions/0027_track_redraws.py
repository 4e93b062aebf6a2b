"""track_redraws: a new draw of one track as the remedy of an upheld objection (its manifest, seed event,
seed and result); allocations a new draw ends are 'superseded'; an objection's remedy may be 'redrawn'

Revision ID: 0027_track_redraws
Revises: 0026_round_categories
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_track_redraws"
down_revision = "0026_round_categories"
branch_labels = None
depends_on = None

OLD_ALLOCATION_STATES = ("active", "withdrawn", "moved")
NEW_ALLOCATION_STATES = (*OLD_ALLOCATION_STATES, "superseded")
OLD_REMEDIES = ("rescored", "reinstated")
NEW_REMEDIES = (*OLD_REMEDIES, "redrawn")


def _id() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _set_check(table: str, column: str, values) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
        batch_op.create_check_constraint(column, _in(column, values))


def upgrade():
    _set_check("allocations", "status", NEW_ALLOCATION_STATES)
    _set_check("objections", "remedy_kind", NEW_REMEDIES)
    op.create_table(
        "track_redraws",
        sa.Column("id", _id(), nullable=False),
        sa.Column("round_id", _id(), nullable=False),
        sa.Column("objection_id", _id(), nullable=False),
        sa.Column("track", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("added_application_id", _id(), nullable=True),
        sa.Column("rule_version", sa.String(length=20), nullable=False),
        sa.Column("manifest_json", sa.Text(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("seed_event_ko", sa.Text(), nullable=False),
        sa.Column("seed_event_en", sa.Text(), nullable=False),
        sa.Column("seed_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_by_id", _id(), nullable=True),
        sa.Column("seed", sa.String(length=200), nullable=True),
        sa.Column("result_json", sa.Text(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drawn_by_id", _id(), nullable=True),
        sa.Column("result_version", sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('frozen', 'drawn')", name=op.f("ck_track_redraws_state")),
        sa.CheckConstraint("track IN ('', 'startup', 'general')", name=op.f("ck_track_redraws_track")),
        sa.CheckConstraint(
            "(state = 'drawn') = "
            "(seed IS NOT NULL AND result_json IS NOT NULL AND drawn_at IS NOT NULL AND result_version IS NOT NULL)",
            name=op.f("ck_track_redraws_drawn_complete"),
        ),
        sa.ForeignKeyConstraint(
            ["added_application_id"],
            ["applications.id"],
            name=op.f("fk_track_redraws_added_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(["drawn_by_id"], ["users.id"], name=op.f("fk_track_redraws_drawn_by_id_users")),
        sa.ForeignKeyConstraint(["frozen_by_id"], ["users.id"], name=op.f("fk_track_redraws_frozen_by_id_users")),
        sa.ForeignKeyConstraint(
            ["objection_id"], ["objections.id"], name=op.f("fk_track_redraws_objection_id_objections")
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_track_redraws_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_track_redraws")),
        sa.UniqueConstraint("objection_id", name=op.f("uq_track_redraws_objection_id")),
        sa.UniqueConstraint("round_id", "result_version", name="uq_track_redraws_round_result_version"),
    )
    with op.batch_alter_table("track_redraws", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_redraws_round_id"), ["round_id"], unique=False)


def downgrade():
    with op.batch_alter_table("track_redraws", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_redraws_round_id"))
    op.drop_table("track_redraws")
    _set_check("objections", "remedy_kind", OLD_REMEDIES)
    _set_check("allocations", "status", OLD_ALLOCATION_STATES)
