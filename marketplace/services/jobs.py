"""Background jobs' records: queue one, start it, report its progress, finish it once, fail it, retry it.

A job's effect and its DONE state commit in one write transaction that first checks, under the write
lock, that the job is not DONE yet (`finish`): a job run twice (a worker killed mid-way and the job
queued again, or two workers given the same job) changes things once. Running the work is
services/job_runs.py's; queueing it on Huey is marketplace/jobs' (reached through `submit`, so that
the services do not depend on the queue).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database import begin_write
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import JobState, UserRole
from ..extensions import db
from ..models import Job, StoredFile, User
from ..models.types import utcnow
from .audit import record_event

UNFINISHED = (JobState.QUEUED, JobState.RUNNING)
ERROR_CHARS = 2000


class JobError(DomainError):
    """A job cannot change that way (a retry of a job that has not failed)."""


class AlreadyDone(Exception):
    """Another run of the job finished it first: this run's effect is dropped."""


def create_job(kind: str, params: dict, requested_by: User | None) -> Job:
    """Add (not commit) a queued job to the caller's write transaction; `submit` it after the commit."""
    job = Job(
        kind=kind,
        state=JobState.QUEUED,
        progress=0,
        params=params,
        requested_by_id=requested_by.id if requested_by else None,
        heartbeat_at=utcnow(),
        attempts=0,
        error="",
        result_name="",
    )
    db.session.add(job)
    return job


def submit(job_id: int) -> None:
    """Hand a committed job to the queue (app.extensions["run_job"], set by marketplace.jobs).

    Without a queue (a script's app) the job stays QUEUED; requeue_stale hands it over later."""
    run = current_app.extensions.get("run_job")
    if run is not None:
        run(job_id)


def start(job_id: int) -> Job | None:
    """Mark the job RUNNING and count the attempt; None when it is gone, DONE or FAILED (staff queue a
    failed one again), or RUNNING with a recent heartbeat (a duplicate message while a worker is on it).
    A RUNNING job whose heartbeat is older than JOBS_STALE_SECONDS is taken again: its worker died."""
    begin_write()
    job = db.session.get(Job, job_id, with_for_update=True, populate_existing=True)
    moment = utcnow()
    if job is None or job.state not in UNFINISHED or _alive(job, moment):
        db.session.commit()
        return None
    job.state, job.progress, job.error = JobState.RUNNING, 0, ""
    job.started_at = job.started_at or moment
    job.heartbeat_at, job.finished_at = moment, None
    job.attempts += 1
    db.session.commit()
    return job


def _alive(job: Job, moment: datetime) -> bool:
    """Whether a running job's worker gave a sign of life within JOBS_STALE_SECONDS."""
    stale = timedelta(seconds=current_app.config.get("JOBS_STALE_SECONDS", 120))
    return job.state == JobState.RUNNING and job.heartbeat_at is not None and job.heartbeat_at > moment - stale


def report_progress(job_id: int, percent: int) -> None:
    """Store how far a running job got (0-100), which is also its heartbeat."""
    begin_write()
    job = db.session.get(Job, job_id, with_for_update=True, populate_existing=True)
    if job is not None and job.state == JobState.RUNNING:
        job.progress = max(0, min(int(percent), 99))  # 100 only with DONE
        job.heartbeat_at = utcnow()
    db.session.commit()


def lock_unfinished(job_id: int) -> Job:
    """In the caller's write transaction: the job, locked; AlreadyDone when another run finished it."""
    job = db.session.get_one(Job, job_id, with_for_update=True, populate_existing=True)
    if job.state == JobState.DONE:
        raise AlreadyDone(job_id)
    return job


def mark_done(job: Job, result: StoredFile | None = None, result_name: str = "") -> None:
    """In the caller's write transaction, beside the job's effect: DONE, 100%, and the result file."""
    job.state, job.progress, job.error = JobState.DONE, 100, ""
    job.finished_at = job.heartbeat_at = utcnow()
    if result is not None:
        job.result_file, job.result_name = result, result_name


def finish(job_id: int, effect: Callable[[Job], None]) -> bool:
    """Apply the job's effect and mark it DONE in one write transaction; False (nothing written) when
    another run of the job did so first."""
    begin_write()
    try:
        job = lock_unfinished(job_id)
    except AlreadyDone:
        db.session.rollback()
        return False
    effect(job)
    mark_done(job)
    db.session.commit()
    return True


def fail(job_id: int, error: str) -> None:
    """Mark the job FAILED with its error text, unless another run finished it."""
    db.session.rollback()
    begin_write()
    job = db.session.get(Job, job_id, with_for_update=True, populate_existing=True)
    if job is not None and job.state != JobState.DONE:
        job.state, job.error = JobState.FAILED, (error or "error")[:ERROR_CHARS]
        job.finished_at = job.heartbeat_at = utcnow()
    db.session.commit()


def retry(actor: User, job_id: int) -> Job:
    """Queue a failed job again (staff) and hand it to the queue; JobError for a job that has not failed."""
    begin_write()
    job = db.session.get(Job, job_id, with_for_update=True, populate_existing=True)
    if job is None:
        raise NotFound(N_("There is no such background job."))
    if job.state != JobState.FAILED:
        raise JobError(N_("Only a failed job can be queued again."))
    before = {"status": job.state, "error": job.error}
    job.state, job.progress, job.error = JobState.QUEUED, 0, ""
    job.heartbeat_at, job.finished_at = utcnow(), None
    record_event(actor, "job.retried", job, before=before, after={"status": JobState.QUEUED})
    db.session.commit()
    submit(job_id)
    return job


def requeue_stale(stale_seconds: float, now: datetime | None = None) -> list[int]:
    """Jobs whose worker went quiet: QUEUED or RUNNING with no heartbeat for `stale_seconds`. Each is
    QUEUED again and stamped (so the next pass leaves it alone for as long), and returned, to be
    submitted again. A run that was only slow may still finish first; the other's effect is dropped."""
    moment = now or utcnow()
    begin_write()
    jobs = db.session.scalars(
        select(Job)
        .where(Job.state.in_(UNFINISHED), Job.heartbeat_at < moment - timedelta(seconds=stale_seconds))
        .with_for_update()
    ).all()
    for job in jobs:
        job.state, job.heartbeat_at = JobState.QUEUED, moment
    db.session.commit()
    return [job.id for job in jobs]


def visible_job(user: User, job_id: int) -> Job:
    """A job as its requester or staff may see it; NotFound for anyone else (as for no job at all)."""
    job = db.session.get(Job, job_id)
    if job is None or (user.role != UserRole.MINISTRY and job.requested_by_id != user.id):
        raise NotFound(N_("There is no such background job."))
    return job


def result_of(user: User, job_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of a done job's file, for its requester or staff; NotFound otherwise."""
    job = visible_job(user, job_id)
    if job.state != JobState.DONE or job.result_file is None:
        raise NotFound(N_("This job has no file (yet)."))
    return job.result_name, job.result_file.data


@dataclass(frozen=True)
class JobLists:
    unfinished: list[Job]
    failed: list[Job]


def staff_lists(limit: int = 100) -> JobLists:
    """Queued and running jobs, oldest first, and failed ones, latest first (staff page), with who asked."""
    base = select(Job).options(joinedload(Job.requested_by)).limit(limit)
    unfinished = db.session.scalars(base.where(Job.state.in_(UNFINISHED)).order_by(Job.id)).all()
    failed = db.session.scalars(base.where(Job.state == JobState.FAILED).order_by(Job.id.desc())).all()
    return JobLists(list(unfinished), list(failed))


def unfinished_job(user: User, kind: str, params: dict) -> Job | None:
    """The user's queued or running job of this kind and parameters: asking again while it runs reuses it."""
    jobs = db.session.scalars(
        select(Job)
        .where(Job.requested_by_id == user.id, Job.kind == kind, Job.state.in_(UNFINISHED))
        .order_by(Job.id.desc())
        .limit(20)
    )
    return next((job for job in jobs if job.params == params), None)
