"""Running one background job: start it, do its kind's work with progress, and record failure."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..domain.states import JobKind
from ..extensions import db
from . import draw_estimates, jobs, report_jobs

log = logging.getLogger(__name__)

Runner = Callable[[int, dict, Callable[[int], None]], None]

# Each runner does its work outside any write transaction and ends with jobs.finish (or, for a
# report, jobs.lock_unfinished + mark_done in the transaction that records it).
RUNNERS: dict[str, Runner] = {
    JobKind.DRAW_ESTIMATE: draw_estimates.run_estimate,
    JobKind.PURCHASE_REPORT: report_jobs.run_purchase_report,
}


def run_job(job_id: int) -> bool:
    """Run the job unless it is done, failed or gone; True when this run did its work.

    Any exception marks the job FAILED with the exception's text (staff see it and may queue it again);
    it is logged, not raised: the queue has nothing more to do with it.
    """
    job = jobs.start(job_id)
    if job is None:
        return False
    kind, params = job.kind, dict(job.params)
    try:
        RUNNERS[kind](job_id, params, lambda percent: jobs.report_progress(job_id, percent))
    except jobs.AlreadyDone:
        db.session.rollback()
        return False
    except Exception as error:
        log.exception("background job %s (%s) failed", job_id, kind)
        jobs.fail(job_id, f"{type(error).__name__}: {error}")
        return False
    return True
