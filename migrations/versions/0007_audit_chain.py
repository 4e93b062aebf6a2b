"""hash chains: audit events and quota-ledger entries are hash-chained; the database refuses UPDATE and DELETE

Existing events and entries get their places in their chains in id order. The hashing is written out here (not
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


def _event_content(row, seq):
    return {
        "seq": seq, "actor_id": row["actor_id"], "actor_role": row["actor_role"], "action": row["action"],
        "object_type": row["object_type"], "object_id": row["object_id"], "company_id": row["company_id"],
        "institution_id": row["institution_id"], "before": row["before"], "after": row["after"],
        "reason": row["reason"] or "", "request_id": row["request_id"] or "",
        "created_at": row["created_at"].astimezone(UTC).isoformat(timespec="microseconds"),
    }


def _entry_content(row, seq):
    return {
        "seq": seq, "mou_id": row["mou_id"], "kind": row["kind"], "amount_krw": row["amount_krw"],
        "balance_after": row["balance_after"], "order_id": row["order_id"], "actor_id": row["actor_id"],
        "reason": row["reason"] or "", "created_at": row["created_at"].astimezone(UTC).isoformat(timespec="microseconds"),
    }


def _chain(bind, table, content):
    """Give every row of `table` its place in the chain, in id order; return the head (seq, hash)."""
    previous, seq = GENESIS, 0
    for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings().all():
        seq += 1
        digest = _hash(previous, content(row, seq))
        bind.execute(table.update().where(table.c.id == row["id"])
                     .values(seq=seq, prev_hash=previous, hash=digest, reason=row["reason"] or ""))
        previous = digest
    return seq, previous


CHAIN_COLUMNS = (sa.column("seq", sa.BigInteger()), sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()))


def upgrade():
    for name in ("audit_events", "quota_entries"):
        with op.batch_alter_table(name, schema=None) as batch_op:
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
    utc = marketplace.models.types.UTCDateTime()
    events = sa.table(
        "audit_events",
        sa.column("id", sa.BigInteger()), sa.column("actor_id", sa.BigInteger()), sa.column("actor_role", sa.String()),
        sa.column("action", sa.String()), sa.column("object_type", sa.String()), sa.column("object_id", sa.BigInteger()),
        sa.column("company_id", sa.BigInteger()), sa.column("institution_id", sa.BigInteger()),
        sa.column("before", sa.JSON()), sa.column("after", sa.JSON()), sa.column("reason", sa.Text()),
        sa.column("request_id", sa.String()), sa.column("created_at", utc), *CHAIN_COLUMNS,
    )
    entries = sa.table(
        "quota_entries",
        sa.column("id", sa.BigInteger()), sa.column("mou_id", sa.BigInteger()), sa.column("kind", sa.String()),
        sa.column("amount_krw", sa.BigInteger()), sa.column("balance_after", sa.BigInteger()),
        sa.column("order_id", sa.BigInteger()), sa.column("actor_id", sa.BigInteger()),
        sa.column("reason", sa.Text()), sa.column("created_at", utc), *[sa.column(c.name, c.type) for c in CHAIN_COLUMNS],
    )
    bind = op.get_bind()
    bind.execute(events.update().where(events.c.request_id.is_(None)).values(request_id=""))
    audit_head = _chain(bind, events, _event_content)
    ledger_head = _chain(bind, entries, _entry_content)
    op.bulk_insert(heads, [{"name": "audit", "seq": audit_head[0], "hash": audit_head[1]},
                           {"name": "ledger", "seq": ledger_head[0], "hash": ledger_head[1]}])
    for name in ("audit_events", "quota_entries"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
            batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
            batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f"uq_{name}_seq"), ["seq"])
        if bind.dialect.name == "postgresql":
            op.execute(REFUSE_FUNCTION_PG)
            op.execute(f"CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {name} "
                       "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()")
        else:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {name}_no_{verb.lower()} BEFORE {verb} ON {name} "
                           f"BEGIN SELECT RAISE(ABORT, '{name} is append-only: {verb} refused'); END")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in ("audit_events", "quota_entries"):
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_append_only ON {name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {name}_no_delete")
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{name}_seq"), type_="unique")
            batch_op.drop_column("hash")
            batch_op.drop_column("prev_hash")
            batch_op.drop_column("seq")
    op.drop_table("chain_heads")
