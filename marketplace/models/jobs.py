"""Background jobs: what was asked, by whom, how far it got, and where its result is."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import JobKind, JobState
from ..extensions import Model
from .types import BigId, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .companies import StoredFile


class Job(Model):
    """Long work a worker process does after the request that asked for it has answered.

    `heartbeat_at` moves with every progress report: a RUNNING job whose heartbeat stopped lost its
    worker, and is queued again (services/jobs.py requeue_stale). `attempts` counts the runs begun.
    The result, when the job makes a file, is a StoredFile: every host can serve it.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        check_in("kind", JobKind),
        check_in("state", JobState),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        Index("ix_jobs_state_heartbeat", "state", "heartbeat_at"),
        Index("ix_jobs_requested_by_kind", "requested_by_id", "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default=JobState.QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict] = mapped_column(JSON)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    result_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    result_name: Mapped[str] = mapped_column(String(255), default="")

    requested_by: Mapped[User | None] = relationship()
    result_file: Mapped[StoredFile | None] = relationship()
