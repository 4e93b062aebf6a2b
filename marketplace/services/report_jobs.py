"""Large purchase reports as background jobs: asked for in a request, rendered by a worker, fetched later."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from ..database import begin_write
from ..domain.hashing import sha256_hex
from ..domain.states import JobKind
from ..extensions import db
from ..models import Job, StoredFile, User
from ..reports.summary import Scope
from . import jobs
from .report_data import purchase_report_lines
from .report_documents import Document, purchase_report


def needs_job(scope: Scope, threshold: int) -> bool:
    """Whether the scope's report has more order lines than `threshold` (ReportRefused for a bad scope)."""
    return purchase_report_lines(scope) > threshold


def request_purchase_report(actor: User, scope: Scope) -> Job:
    """Queue the report as a job (or return the actor's same one still queued or running) and submit it."""
    params = scope.params()
    begin_write()
    job = jobs.unfinished_job(actor, JobKind.PURCHASE_REPORT, params)
    if job is None:
        job = jobs.create_job(JobKind.PURCHASE_REPORT, params, actor)
        db.session.flush()
    job_id = job.id
    db.session.commit()
    jobs.submit(job_id)
    return db.session.get_one(Job, job_id)


def _scope(params: dict) -> Scope:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return Scope(
        params["institution_id"], day(params["start"]), day(params["end"]), params["round"], params["language"]
    )


def run_purchase_report(job_id: int, params: dict, progress: Callable[[int], None]) -> None:
    """Render the report and, in the transaction that records it, store its PDF as the job's result and
    finish the job: a second run after the first finished writes nothing (jobs.AlreadyDone)."""
    job = db.session.get_one(Job, job_id)
    actor = db.session.get_one(User, job.requested_by_id)

    def store(document: Document) -> None:
        locked = jobs.lock_unfinished(job_id)
        pdf = document.pdf
        result = StoredFile(
            storage_name=uuid.uuid4().hex,
            original_name=document.filename[:255],
            content_type="application/pdf",
            size=len(pdf),
            sha256=sha256_hex(pdf),
            data=pdf,
            uploaded_by_id=actor.id,
        )
        db.session.add(result)
        jobs.mark_done(locked, result, document.filename)

    purchase_report(actor, _scope(params), within=store, progress=progress)
