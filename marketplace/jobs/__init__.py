"""Background jobs on a Huey queue: the queue (queue.py), the tasks a worker runs (tasks.py).

Start a worker with `huey_consumer marketplace.worker.huey` (the Procfile does, beside the web server).
"""

from __future__ import annotations

from flask import Flask

from . import queue, tasks


def init_app(app: Flask) -> None:
    """Point the queue at JOBS_URL and give the services their hooks: run_job(job_id), deliver_mail()."""
    queue.configure(app.config["JOBS_URL"], app.config["JOBS_NAME"], bool(app.config.get("JOBS_IMMEDIATE")))
    app.extensions["huey"] = queue.huey
    app.extensions["run_job"] = tasks.submit_job
    app.extensions["deliver_mail"] = tasks.request_mail_delivery
    app.extensions["announce_round"] = tasks.request_round_announcement
    app.extensions["tell_results"] = tasks.request_round_results
