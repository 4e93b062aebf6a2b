"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, JSON, BigInteger, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import BigId, UTCDateTime, utcnow


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_company", "company_id", "created_at"),
        Index("ix_audit_events_institution", "institution_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(20), default="system")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # the hash chain (domain/chain.py): position, the previous event's hash, this event's hash
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Model):
    """The last link of each hash chain ('audit', 'ledger'): locked while a transaction appends to it."""

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


_GENESIS = "0" * 64
GENESIS_ROWS = (
    f"INSERT INTO chain_heads (name, seq, hash) VALUES ('audit', 0, '{_GENESIS}'), ('ledger', 0, '{_GENESIS}')"  # noqa: S608,E501 - constants only
)

# Append-only tables: the database itself refuses UPDATE and DELETE (the migration creates the same).
APPEND_ONLY = ("audit_events", "quota_entries")
REFUSE_FUNCTION_PG = (
    "CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
)


def append_only_triggers(table: str, dialect: str) -> list[str]:
    """The statements that make `table` refuse UPDATE and DELETE on `dialect` ('sqlite' or 'postgresql')."""
    if dialect == "postgresql":
        return [
            REFUSE_FUNCTION_PG,
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
        for op in ("UPDATE", "DELETE")
    ]


event.listen(ChainHead.__table__, "after_create", DDL(GENESIS_ROWS))


def add_append_only_triggers(table) -> None:
    """create_all() makes `table` refuse UPDATE and DELETE as the migrations do."""
    for dialect in ("sqlite", "postgresql"):
        for statement in append_only_triggers(table.name, dialect):
            # DDL formats its text with %: the trigger function's own % placeholders are doubled
            event.listen(table, "after_create", DDL(statement.replace("%", "%%")).execute_if(dialect=dialect))
