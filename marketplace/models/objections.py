"""Objections to a round's published result, their documents and the remedies of upheld ones."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import ObjectionRemedyKind, ObjectionState
from ..extensions import Model, db
from .types import BigId, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from .companies import StoredFile
    from .rounds import Allocation, Application, Round

objection_documents = Table(
    "objection_documents",
    db.metadata,
    Column("objection_id", ForeignKey("objections.id", ondelete="CASCADE"), primary_key=True),
    Column("stored_file_id", ForeignKey("stored_files.id"), primary_key=True),
)


class Objection(Model):
    """An applicant's objection to its own application's published result: one per application.

    `number` counts the round's objections from 1: the public page names an objection by it and never by
    its applicant. A remedy that changes the result (a reinstatement) is result version `result_version`.
    """

    __tablename__ = "objections"
    __table_args__ = (
        check_in("state", ObjectionState),
        check_in("remedy_kind", ObjectionRemedyKind),
        UniqueConstraint("round_id", "number", name="uq_objections_round_number"),
        UniqueConstraint("round_id", "result_version", name="uq_objections_round_result_version"),
        Index("ix_objections_state_due", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    number: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(20), default=ObjectionState.FILED)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remedy_kind: Mapped[str | None] = mapped_column(String(20))
    remedy_note: Mapped[str] = mapped_column(Text, default="")
    scores_before: Mapped[list | None] = mapped_column(JSON)
    scores_after: Mapped[list | None] = mapped_column(JSON)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"))
    result_version: Mapped[int | None] = mapped_column(Integer)
    remedied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    remedied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    application: Mapped[Application] = relationship()
    allocation: Mapped[Allocation | None] = relationship()
    documents: Mapped[list[StoredFile]] = relationship(secondary=objection_documents, order_by="StoredFile.id")
