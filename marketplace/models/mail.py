"""The mail outbox: a mail is a row written in the transaction of the change it tells about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.states import MailStatus
from ..extensions import Model
from .types import BigId, UTCDateTime, check_in, utcnow


class OutboxMail(Model):
    """One mail to one recipient, rendered in their language when the change committed.

    (event_key, recipient) is unique: an event queued again (a retried use case) mails once. The bodies
    are cleared once sent, as they may hold a link that works once.
    """

    __tablename__ = "outbox_mails"
    __table_args__ = (
        check_in("status", MailStatus),
        UniqueConstraint("event_key", "recipient", name="uq_outbox_mails_event_key_recipient"),
        Index("ix_outbox_mails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    template: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # a notification carries a one-click unsubscribe link (RFC 8058); account mails (reset, confirm) do not
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # which delivery run holds the mail while it is SENDING, and since when (a run that died is taken over)
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
