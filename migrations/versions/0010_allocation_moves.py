"""allocation changes: the ministry moves an allocation or refills it from the waitlist; allocations say from when

A new table keeps each change (moved to another institution, or a withdrawn allocation's budget given to
the waitlist), allocations may be 'moved', and each allocation that came after the publication says from
which day orders may rest on it (valid_from). Existing data is carried forward: every refill recorded in
the audit trail at a supplier's withdrawal becomes a change, and each allocation taken from the waitlist
is valid from the day it was made.

Downgrading turns moved allocations into withdrawn ones (the older schema knows no other state).

Revision ID: 0010_allocation_moves
Revises: 0009_seed_event
"""
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0010_allocation_moves"
down_revision = "0009_seed_event"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SEOUL = ZoneInfo("Asia/Seoul")

allocations = sa.table("allocations", sa.column("id", BigId), sa.column("round_id", BigId),
                       sa.column("via_waitlist", sa.Boolean), sa.column("valid_from", sa.Date),
                       sa.column("created_at", sa.DateTime(timezone=True)))
events = sa.table("audit_events", sa.column("action", sa.String), sa.column("object_id", BigId),
                  sa.column("after", sa.JSON), sa.column("created_at", sa.DateTime(timezone=True)))


def _seoul_day(moment):
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SEOUL).date()


def upgrade():
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.drop_constraint(op.f("ck_allocations_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_allocations_status"), "status IN ('active', 'withdrawn', 'moved')")
    changes = op.create_table(
        "allocation_changes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("round_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_allocation_id", BigId, nullable=False),
        sa.Column("to_allocation_id", BigId, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", BigId, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('moved', 'refilled')", name=op.f("ck_allocation_changes_kind")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_allocation_changes_actor_id_users")),
        sa.ForeignKeyConstraint(["from_allocation_id"], ["allocations.id"],
                                name=op.f("fk_allocation_changes_from_allocation_id_allocations")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_allocation_changes_round_id_rounds")),
        sa.ForeignKeyConstraint(["to_allocation_id"], ["allocations.id"],
                                name=op.f("fk_allocation_changes_to_allocation_id_allocations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_changes")),
        sa.UniqueConstraint("from_allocation_id", name=op.f("uq_allocation_changes_from_allocation_id")),
        sa.UniqueConstraint("to_allocation_id", name=op.f("uq_allocation_changes_to_allocation_id")),
    )
    with op.batch_alter_table("allocation_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_changes_round_id"), ["round_id"], unique=False)
    _carry_forward(op.get_bind(), changes)


def _carry_forward(bind, changes):
    rows = bind.execute(sa.select(allocations).where(allocations.c.via_waitlist.is_(True))).all()
    rounds = {row.id: row.round_id for row in rows}
    for row in rows:
        bind.execute(allocations.update().where(allocations.c.id == row.id)
                     .values(valid_from=_seoul_day(row.created_at)))
    refills = bind.execute(sa.select(events).where(events.c.action == "allocation.refilled_from_waitlist")
                           .order_by(events.c.created_at)).all()
    taken = set()
    for event in refills:
        freed = (event.after or {}).get("freed_allocation_id")
        if event.object_id not in rounds or freed is None or freed in taken:
            continue
        taken.add(freed)
        bind.execute(changes.insert().values(
            round_id=rounds[event.object_id], kind="refilled", from_allocation_id=freed,
            to_allocation_id=event.object_id, reason="", actor_id=None, created_at=event.created_at))


def downgrade():
    with op.batch_alter_table("allocation_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_changes_round_id"))
    op.drop_table("allocation_changes")
    op.execute("UPDATE allocations SET status = 'withdrawn' WHERE status = 'moved'")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_allocations_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_allocations_status"), "status IN ('active', 'withdrawn')")
        batch_op.drop_column("valid_from")
