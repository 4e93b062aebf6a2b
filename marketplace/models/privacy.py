"""Consents to the privacy notice, and questions asked during a round."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import ConsentContext, QuestionStatus
from ..extensions import Model
from .types import BigId, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from .rounds import Round


class PrivacyConsent(Model):
    """A person's consent to the privacy notice of one version: the required items (given, or there is no
    row) and the optional one (notification mail), when and where it was given. Kept as long as the account
    and as proof after it closes (PIPA art. 22: the controller must be able to show the consent)."""

    __tablename__ = "privacy_consents"
    __table_args__ = (check_in("context", ConsentContext),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    policy_version: Mapped[str] = mapped_column(String(20))
    context: Mapped[str] = mapped_column(String(20))
    notifications: Mapped[bool] = mapped_column(default=False)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoundQuestion(Model):
    """A supplier's question during a round and the ministry's answer, published to all without the asker.

    The asker (user and company) is kept for the ministry and the asker's own page only: no public page,
    export or OCDS release reads these two columns.
    """

    __tablename__ = "round_questions"
    __table_args__ = (
        check_in("status", QuestionStatus),
        Index("ix_round_questions_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.ASKED)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
