"""rounds name the public event whose outcome is the seed, and record when their rules were published

New columns on rounds: rule_published_at, and the seed event (Korean and English description, moment), with
CHECKs that the event is complete and happens after the window closes; a table of the seed events as
announced (with the rules, or later in place of another, with a reason).

Existing data is carried forward: a round that has opened gets its rule_published_at from the audit trail's
"round opened" event where there is one (else it stays empty: not recorded). Existing rounds name no seed
event: those already drawn keep their seed as it was and their pages say so; an open or closed round not yet
drawn needs staff to announce its seed event (audited and published) before the pool can be frozen or drawn.

Revision ID: 0009_seed_event
Revises: 0008_allocation_ledger
"""
import sqlalchemy as sa
from alembic import op

import marketplace.models.types

revision = "0009_seed_event"
down_revision = "0008_allocation_ledger"
branch_labels = None
depends_on = None

UTC_TIME = marketplace.models.types.UTCDateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.add_column(sa.Column("rule_published_at", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("seed_event_ko", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("seed_event_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("seed_event_at", UTC_TIME, nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_rounds_seed_event_after_close"), "seed_event_at IS NULL OR seed_event_at > closes_at")
        batch_op.create_check_constraint(
            op.f("ck_rounds_seed_event_complete"),
            "(seed_event_at IS NULL AND seed_event_ko IS NULL AND seed_event_en IS NULL) OR "
            "(seed_event_at IS NOT NULL AND seed_event_ko IS NOT NULL AND seed_event_en IS NOT NULL)")
    op.create_table(
        "seed_event_announcements",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("round_id", BIG_ID, nullable=False),
        sa.Column("description_ko", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("event_at", UTC_TIME, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("announced_at", UTC_TIME, nullable=False),
        sa.Column("announced_by_id", BIG_ID, nullable=True),
        sa.ForeignKeyConstraint(["announced_by_id"], ["users.id"],
                                name=op.f("fk_seed_event_announcements_announced_by_id_users")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_seed_event_announcements_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seed_event_announcements")),
    )
    with op.batch_alter_table("seed_event_announcements") as batch_op:
        batch_op.create_index(batch_op.f("ix_seed_event_announcements_round_id"), ["round_id"], unique=False)
    op.execute(
        "UPDATE rounds SET rule_published_at = (SELECT MIN(audit_events.created_at) FROM audit_events "
        "WHERE audit_events.action = 'round.opened' AND audit_events.object_type = 'Round' "
        "AND audit_events.object_id = rounds.id) WHERE status <> 'draft'"
    )


def downgrade():
    with op.batch_alter_table("seed_event_announcements") as batch_op:
        batch_op.drop_index(batch_op.f("ix_seed_event_announcements_round_id"))
    op.drop_table("seed_event_announcements")
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.drop_constraint(op.f("ck_rounds_seed_event_complete"), type_="check")
        batch_op.drop_constraint(op.f("ck_rounds_seed_event_after_close"), type_="check")
        batch_op.drop_column("seed_event_at")
        batch_op.drop_column("seed_event_en")
        batch_op.drop_column("seed_event_ko")
        batch_op.drop_column("rule_published_at")
