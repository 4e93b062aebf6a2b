"""Notifications: the in-app inbox (one row per event and recipient) and each user's choices per kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.states import NotificationKind
from ..extensions import Model
from .types import BigId, UTCDateTime, check_in, utcnow


class Notification(Model):
    """One event told to one user: the values its sentence needs (not the text: it is shown in the
    reader's language), where it links to, and when it was read.

    (recipient_id, event_key) is unique: a retried use case or a periodic task run again notifies once.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        check_in("kind", NotificationKind),
        UniqueConstraint("recipient_id", "event_key", name="uq_notifications_recipient_id_event_key"),
        # the header's unread count and the inbox both read by recipient, unread first
        Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    event_key: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(Model):
    """A user's choice for one kind; no row means both on (the default)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (check_in("kind", NotificationKind),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    in_app: Mapped[bool] = mapped_column(default=True)
    mail: Mapped[bool] = mapped_column(default=True)
