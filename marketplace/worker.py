"""The background worker's entry point: `huey_consumer marketplace.worker.huey -k thread -w 2`.

Builds the app from the environment (the same DATABASE_URL and JOBS_URL as the web processes), and
runs every task in it.
"""

from . import create_app
from .jobs import queue, tasks

app = create_app()
tasks.use_app(app)
huey = queue.huey
