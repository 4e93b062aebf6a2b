"""Background jobs for staff: what is waiting or running, what failed and why, and queueing a failed one again."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..i18n import domain_message
from ..services import jobs as job_service
from .views import bp


@bp.get("/jobs")
def jobs():
    """Queued and running jobs with their progress, and failed ones with their error and a retry button."""
    return render_template("ministry/jobs.html", lists=job_service.staff_lists())


@bp.post("/jobs/<int:job_id>/retry")
def retry_job(job_id: int):
    """Queue a failed job again; a worker runs it from the start."""
    try:
        job_service.retry(current_user, job_id)
    except NotFound:
        raise
    except DomainError as error:
        flash(domain_message(error), "error")
    else:
        flash(_("The job is queued again."), "success")
    return redirect(url_for("ministry.jobs"))
