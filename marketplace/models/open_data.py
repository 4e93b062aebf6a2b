"""Open Contracting (OCDS) releases: what changed in a round's contracting process, as published then."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import BigId, UTCDateTime, utcnow


class OcdsRelease(Model):
    """One OCDS release, written in the transaction of the change it describes and never changed after.

    The ocid and the release id are made when served (from OCDS_PREFIX and the round's code), so that the
    stored content does not depend on a setting; `data` holds the release's other fields.
    """

    __tablename__ = "ocds_releases"
    __table_args__ = (Index("ix_ocds_releases_round", "round_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    date: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    tag: Mapped[list] = mapped_column(JSON)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
