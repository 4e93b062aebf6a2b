"""Jobs through a real worker process (huey_consumer) on the SQLite queue and on Redis: the draw's estimate
is stored, a worker killed mid-way leaves its job to the next worker, which finishes it once, and a failed job
shows on the staff page and runs again when staff retry it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest

from marketplace import jobs as job_queue
from marketplace.domain import selection
from marketplace.domain.states import JobState
from marketplace.extensions import db
from marketplace.models import Draw, Job
from marketplace.services import draws
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.integration.test_rounds import _closed_round, _score_all

ROOT = Path(__file__).resolve().parents[2]
CONSUMER = Path(sys.executable).parent / "huey_consumer"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WAIT = 60


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, app, tmp_path):
    """The test's app queues on a real queue (no immediate mode): SQLite in tmp_path, or Redis under a name of
    this run's own."""
    if request.param == "redis" and not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    url = REDIS_URL if request.param == "redis" else f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    app.config.update(JOBS_URL=url, JOBS_NAME=f"test-{uuid.uuid4().hex[:12]}", JOBS_IMMEDIATE=False)
    job_queue.init_app(app)
    yield app.config
    if request.param == "redis":
        job_queue.queue.huey.storage.flush_all()
    app.config["JOBS_IMMEDIATE"] = True
    job_queue.init_app(app)


class Worker:
    """A huey_consumer process running tests/integration/worker_app.py against the test's database and queue."""

    def __init__(self, config, tmp_path: Path, **env: str):
        self.env = {
            **os.environ,
            "DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
            "JOBS_URL": config["JOBS_URL"],
            "JOBS_NAME": config["JOBS_NAME"],
            "JOBS_STALE_SECONDS": "1",
            "SECRET_KEY": "worker-test-key",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.log = (tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log").open("w")
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        command = [str(CONSUMER), "tests.integration.worker_app.huey", "-k", "thread", "-w", "1", "-d", "0.05"]
        self.process = subprocess.Popen(
            command + ["-m", "0.2"], cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log
        )
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # huey's immediate shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def workers(queue, tmp_path):
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        started.append(Worker(queue, tmp_path, **env).start())
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def _job(job_id: int) -> Job:
    db.session.commit()  # a fresh snapshot: the worker commits in another process
    return db.session.get(Job, job_id, populate_existing=True)


def _wait_for(job_id: int, done, what: str) -> Job:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        job = _job(job_id)
        if done(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never {what}: {job.state} {job.progress}% {job.error}")


def _drawn_round(make, clock, staff_login=None):
    round_, staff, _users = _closed_round(make, RoundBuilders(make), clock, count=4)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    return round_, staff


def _expected(draw: Draw) -> dict:
    manifest = selection.manifest_from_json(draw.manifest_json)
    return selection.expected_rates(manifest, draw.seed, {a.id: "first_timer" for a in manifest.applications}, 1000)


def _estimate_job_id() -> int:
    return db.session.scalars(db.select(Job.id).order_by(Job.id.desc())).first()


def test_a_real_worker_runs_the_draws_estimate_and_the_round_page_shows_progress_then_rates(
    app, make, clock, auth, workers
):
    round_, staff = _drawn_round(make, clock)
    auth.login(staff, language="en")
    assert auth.client.post(f"/ministry/rounds/{round_.code}/draw", data={"seed": "07 12 19"}).status_code == 302
    job_id = _estimate_job_id()
    waiting = auth.client.get(f"/ministry/rounds/{round_.code}")
    assert _job(job_id).state == JobState.QUEUED and "being computed" in waiting.get_data(as_text=True)
    assert waiting.headers["Refresh"]

    workers()
    job = _wait_for(job_id, lambda j: j.state == JobState.DONE, "finished")
    assert (job.progress, job.attempts, job.error) == (100, 1, "")
    draw = db.session.get(Draw, round_.draw.id, populate_existing=True)
    assert draw.expected_rates == _expected(draw)
    page = auth.client.get(f"/ministry/rounds/{round_.code}")
    assert "Refresh" not in page.headers and f"{100 * draw.expected_rates['first_timer']:.1f}%" in page.get_data(
        as_text=True
    )


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_a_job_whose_worker_is_killed_mid_way_is_run_again_by_the_next_worker_and_takes_effect_once(
    app, make, clock, workers
):
    round_, staff = _drawn_round(make, clock)
    draw = draws.run_round_draw(staff, round_.code, "07 12 19")
    job_id = _estimate_job_id()
    first = workers(WORKER_STEP_SECONDS="0.15")
    _wait_for(job_id, lambda j: j.state == JobState.RUNNING and j.progress >= 10, "got going")
    first.kill()
    killed = _job(job_id)
    assert (killed.state, killed.attempts) == (JobState.RUNNING, 1) and 10 <= killed.progress < 100
    assert db.session.get(Draw, draw.id, populate_existing=True).expected_rates is None

    time.sleep(1.2)  # the heartbeat goes stale (JOBS_STALE_SECONDS=1): the next worker takes the job at start
    workers()
    job = _wait_for(job_id, lambda j: j.state == JobState.DONE, "finished after the kill")
    assert (job.attempts, job.progress, job.error) == (2, 100, "")
    draw = db.session.get(Draw, draw.id, populate_existing=True)
    assert draw.expected_rates == _expected(draw)
    assert db.session.query(Job).count() == 1


@pytest.mark.parametrize("queue", ["redis"], indirect=True)
def test_a_job_failing_in_the_worker_shows_its_error_to_staff_and_runs_again_when_they_retry(
    app, make, clock, auth, workers, tmp_path
):
    flag = tmp_path / "fail-once"
    flag.touch()
    workers(WORKER_FAIL_ONCE=str(flag))
    round_, staff = _drawn_round(make, clock)
    draws.run_round_draw(staff, round_.code, "07 12 19")
    job_id = _estimate_job_id()
    failed = _wait_for(job_id, lambda j: j.state == JobState.FAILED, "failed")
    assert failed.error == "RuntimeError: the worker failed on purpose"
    auth.login(staff, language="en")
    assert "RuntimeError: the worker failed on purpose" in auth.client.get("/ministry/jobs").get_data(as_text=True)

    assert auth.client.post(f"/ministry/jobs/{job_id}/retry").status_code == 302
    job = _wait_for(job_id, lambda j: j.state == JobState.DONE, "finished after the retry")
    assert job.attempts == 2 and "No job has failed." in auth.client.get("/ministry/jobs").get_data(as_text=True)
