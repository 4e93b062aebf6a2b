"""small-value track: a round's track may be of kind 'small' (monthly batches for startups and first-timers)

Revision ID: 0029_small_track
Revises: 0028_needs
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_small_track"
down_revision = "0028_needs"
branch_labels = None
depends_on = None

OLD_KINDS = ("startup", "general")
NEW_KINDS = (*OLD_KINDS, "small")


def _set_kinds(kinds) -> None:
    with op.batch_alter_table("round_tracks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_round_tracks_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind IN ({', '.join(repr(k) for k in kinds)})")


def upgrade():
    _set_kinds(NEW_KINDS)


def downgrade():
    # Small-value batches hold draws, allocations and orders that name their track: refuse rather than lose them.
    if op.get_bind().execute(sa.text("SELECT COUNT(*) FROM round_tracks WHERE kind = 'small'")).scalar():
        raise RuntimeError("small-value tracks exist: downgrading below 0029 would lose them")
    _set_kinds(OLD_KINDS)
