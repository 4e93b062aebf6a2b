"""audit chain: every audit event is hash-chained; UPDATE and DELETE on audit events are refused

Existing events get their places in the chain in id order. The hashing is written out here (not
imported) so that this migration keeps doing what it did when the application code changes.

Revision ID: 0007_audit_chain
Revises: 0006_form_submissions
"""
import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

import marketplace.models.types

revision = "0007_audit_chain"
down_revision = "0006_form_submissions"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
REFUSE_FUNCTION_PG = (
    "CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
)


def _hash(previous, content):
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    heads = op.create_table(
        "chain_heads",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_chain_heads")),
    )
    events = sa.table(
        "audit_events",
        sa.column("id", sa.BigInteger()), sa.column("actor_id", sa.BigInteger()), sa.column("actor_role", sa.String()),
        sa.column("action", sa.String()), sa.column("object_type", sa.String()), sa.column("object_id", sa.BigInteger()),
        sa.column("company_id", sa.BigInteger()), sa.column("institution_id", sa.BigInteger()),
        sa.column("before", sa.JSON()), sa.column("after", sa.JSON()), sa.column("reason", sa.Text()),
        sa.column("request_id", sa.String()), sa.column("created_at", marketplace.models.types.UTCDateTime()),
        sa.column("seq", sa.BigInteger()), sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()),
    )
    bind = op.get_bind()
    previous, seq = GENESIS, 0
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        seq += 1
        content = {
            "seq": seq, "actor_id": row["actor_id"], "actor_role": row["actor_role"], "action": row["action"],
            "object_type": row["object_type"], "object_id": row["object_id"], "company_id": row["company_id"],
            "institution_id": row["institution_id"], "before": row["before"], "after": row["after"],
            "reason": row["reason"] or "", "request_id": row["request_id"] or "",
            "created_at": row["created_at"].astimezone(UTC).isoformat(timespec="microseconds"),
        }
        digest = _hash(previous, content)
        bind.execute(events.update().where(events.c.id == row["id"])
                     .values(seq=seq, prev_hash=previous, hash=digest, reason=content["reason"],
                             request_id=content["request_id"]))
        previous = digest
    op.bulk_insert(heads, [{"name": "audit", "seq": seq, "hash": previous},
                           {"name": "ledger", "seq": 0, "hash": GENESIS}])
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_seq"), ["seq"])
    if bind.dialect.name == "postgresql":
        op.execute(REFUSE_FUNCTION_PG)
        op.execute("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                       f"BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: {verb} refused'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    op.drop_table("chain_heads")
