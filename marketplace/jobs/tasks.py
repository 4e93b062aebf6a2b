"""The tasks a worker runs, each in a fresh app context: background jobs, mail delivery, and the periodic ones."""

from __future__ import annotations

import contextvars
import importlib
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import crontab

from ..extensions import db
from .queue import huey

log = logging.getLogger(__name__)
_app: Flask | None = None  # the worker's app (marketplace/worker.py)
MAIL_BATCH = 100


def use_app(app: Flask) -> None:
    """The app tasks run in when they are not run inside one (in the worker process)."""
    global _app
    _app = app


def in_app(work: Callable[..., Any], *args: Any) -> Any:
    """Run `work` in a fresh app context (and a fresh context of its own: no request, `g` or session of
    a caller's leaks in when immediate mode runs it inside a request), then release its session."""
    app = current_app._get_current_object() if has_app_context() else _app  # type: ignore[attr-defined]
    if app is None:
        raise RuntimeError("no app for the background task: start the worker with marketplace.worker")

    def run() -> Any:
        with app.app_context():
            try:
                return work(*args)
            finally:
                db.session.remove()

    return contextvars.Context().run(run)


@huey.task(name="run_job")
def run_job(job_id: int) -> None:
    from ..services.job_runs import run_job as run

    in_app(run, job_id)


def submit_job(job_id: int) -> None:
    """app.extensions["run_job"]: queue a committed job for a worker."""
    run_job(job_id)


def _deliver_pending() -> int:
    """Send the outbox's pending mail, if this build has an outbox; 0 otherwise."""
    try:
        outbox = importlib.import_module("marketplace.services.outbox")
    except ModuleNotFoundError:
        return 0
    return int(outbox.deliver_pending(MAIL_BATCH))


@huey.task(name="deliver_mail")
def deliver_mail() -> None:
    in_app(_deliver_pending)


def request_mail_delivery() -> None:
    """app.extensions["deliver_mail"]: deliver pending mail soon, in a worker."""
    deliver_mail()


def _requeue_stale() -> None:
    from ..services.jobs import requeue_stale

    for job_id in requeue_stale(current_app.config["JOBS_STALE_SECONDS"]):
        log.warning("background job %s lost its worker; queued again", job_id)
        run_job(job_id)


@huey.periodic_task(crontab(minute="*"), name="every_minute")
def every_minute() -> None:
    """Mail not yet delivered, and jobs whose worker died (killed, or its host gone)."""
    in_app(_deliver_pending)
    in_app(_requeue_stale)


@huey.on_startup(name="requeue_stale")
def requeue_on_startup() -> None:
    """A starting worker picks up the jobs a dead one left RUNNING."""
    in_app(_requeue_stale)


@huey.task(name="announce_round", retries=3, retry_delay=60)
def announce_round(round_id: int) -> None:
    """Tell the suppliers that a round opened (in batches; a retry tells nobody twice)."""
    from ..services.round_opening import announce_round as announce

    in_app(announce, round_id)


def request_round_announcement(round_id: int) -> None:
    """app.extensions["announce_round"]: tell the suppliers of an opened round, in a worker."""
    announce_round(round_id)


@huey.task(name="tell_round_results", retries=3, retry_delay=60)
def tell_round_results(round_id: int, stage: str) -> None:
    """Tell the applicants (and at publication the buyers) a round's results, in batches; a retry tells nobody twice."""
    from ..services.round_opening import tell_results

    in_app(tell_results, round_id, stage)


def request_round_results(round_id: int, stage: str) -> None:
    """app.extensions["tell_results"]: tell a round's results, in a worker."""
    tell_round_results(round_id, stage)


def _send_reminders() -> None:
    from ..services.reminders import send_reminders

    send_reminders()


@huey.periodic_task(crontab(minute="7"), name="hourly_reminders")
def hourly_reminders() -> None:
    """The dated reminders (rounds closing, certificates and allocations expiring, evaluations due, the
    ministry's digest): each fires on its Seoul day, once per recipient however often this runs."""
    in_app(_send_reminders)


def _open_small_batch() -> None:
    from ..domain.errors import DomainError
    from ..services.small_track import open_due_batches

    try:
        opened = open_due_batches()
    except DomainError as error:  # e.g. the last batch's budgets no longer fit the quota: staff decide
        log.warning("small-value batch not opened: %s", error)
        return
    for code in opened:
        log.info("small-value batch %s opened", code)


@huey.periodic_task(crontab(minute="9"), name="hourly_small_batch")
def hourly_small_batch() -> None:
    """Open the small-value batches due (this Seoul month's, and in its last week the next month's), each made
    like the month's before; staff set up the first. Again each hour should a run fail."""
    in_app(_open_small_batch)


@huey.task(name="noop")
def noop() -> None:
    """Does nothing: the benchmark's and a health check's task."""
