"""A round's evaluation committee: its members and each member's assignment to an application."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import BigId, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .rounds import Application, Round


class CommitteeMember(Model):
    """An evaluator named by staff to a round's committee."""

    __tablename__ = "committee_members"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_committee_members_round_user"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    named_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship(back_populates="committee_members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CommitteeAssignment(Model):
    """One member's work on one application: the declaration or the recusal, then the scores and comments.

    A member declares no conflict of interest or recuses (never both); scores exist only after a declaration.
    """

    __tablename__ = "committee_assignments"
    __table_args__ = (
        UniqueConstraint("application_id", "user_id", name="uq_committee_assignments_application_user"),
        CheckConstraint("declared_at IS NULL OR recused_at IS NULL", name="declared_or_recused"),
        CheckConstraint(
            "(score_innovation IS NULL AND score_capability IS NULL AND score_need IS NULL) OR "
            "(declared_at IS NOT NULL AND score_innovation IS NOT NULL AND score_capability IS NOT NULL "
            "AND score_need IS NOT NULL)",
            name="scored_after_declaring",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("committee_members.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recusal_reason: Mapped[str] = mapped_column(Text, default="")
    score_innovation: Mapped[int | None] = mapped_column(Integer)
    score_capability: Mapped[int | None] = mapped_column(Integer)
    score_need: Mapped[int | None] = mapped_column(Integer)
    comment_innovation: Mapped[str] = mapped_column(Text, default="")
    comment_capability: Mapped[str] = mapped_column(Text, default="")
    comment_need: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    member: Mapped[CommitteeMember] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def total(self) -> int | None:
        if self.score_innovation is None or self.score_capability is None or self.score_need is None:
            return None
        return self.score_innovation + self.score_capability + self.score_need
