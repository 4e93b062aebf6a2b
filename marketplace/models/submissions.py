"""One-time form keys: each claimed key and the answer its first successful submission gave."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow


class FormSubmission(Model):
    """A form key, claimed by the first write of the use case it was posted to (see form_keys.py).

    `outcome` is where that first answer led (a redirect location); NULL while the first submission
    is still in flight, or when it ended without a page to show.
    """

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    endpoint: Mapped[str] = mapped_column(String(80), default="")
    outcome: Mapped[str | None] = mapped_column(String(500))
    # an API request's Idempotency-Key: the SHA-256 of its body, so the key sent with another body is refused
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
