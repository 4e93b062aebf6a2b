"""Open Contracting (OCDS) releases: what changed in a round's contracting process, as published then."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index
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
    # No foreign key: on PostgreSQL inserting a row that references a round takes a KEY SHARE lock on it,
    # which waits for (and deadlocks with) the round lock an allocation move holds while an order holds the
    # allocation. A release names only rounds that were opened, and opened rounds are never deleted.
    round_id: Mapped[int] = mapped_column(BigInteger)
    date: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    tag: Mapped[list] = mapped_column(JSON)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
