"""Objections to a round's published result, their documents and the remedies of upheld ones."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.seed_events import SeedEvent
from ..domain.states import ObjectionRemedyKind, ObjectionState, RedrawState, TrackKind
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


_TRACKS = ", ".join(f"'{kind}'" for kind in ("", *(k.value for k in TrackKind)))
# A drawn one has its seed, result, time and result version; a frozen one has none of them.
_DRAWN_COMPLETE = (
    f"(state = '{RedrawState.DRAWN.value}') = "
    "(seed IS NOT NULL AND result_json IS NOT NULL AND drawn_at IS NOT NULL AND result_version IS NOT NULL)"
)


class TrackRedraw(Model):
    """A new draw of one track (the whole pool in a round without tracks), the remedy of an upheld objection.

    Frozen first (its manifest, SHA-256 and a new public seed event are published before the event), then
    drawn with the event's outcome as its seed; the draw is result version `result_version` of the round.
    `added_application_id` is the objecting application when the new draw took it into the pool.
    """

    __tablename__ = "track_redraws"
    __table_args__ = (
        check_in("state", RedrawState),
        CheckConstraint(f"track IN ({_TRACKS})", name="track"),
        CheckConstraint(_DRAWN_COMPLETE, name="drawn_complete"),
        UniqueConstraint("round_id", "result_version", name="uq_track_redraws_round_result_version"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objections.id"), unique=True)
    track: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[str] = mapped_column(String(20), default=RedrawState.FROZEN)
    added_application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    rule_version: Mapped[str] = mapped_column(String(20))
    manifest_json: Mapped[str] = mapped_column(Text)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    seed_event_ko: Mapped[str] = mapped_column(Text)
    seed_event_en: Mapped[str] = mapped_column(Text)
    seed_event_at: Mapped[datetime] = mapped_column(UTCDateTime)
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    seed: Mapped[str | None] = mapped_column(String(200))
    result_json: Mapped[str | None] = mapped_column(Text)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    result_version: Mapped[int | None] = mapped_column(Integer)

    round: Mapped[Round] = relationship()
    objection: Mapped[Objection] = relationship()

    @property
    def seed_event(self) -> SeedEvent:
        return SeedEvent(self.seed_event_ko, self.seed_event_en, self.seed_event_at)
