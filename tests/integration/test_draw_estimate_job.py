"""The draw commits and returns at once; its 1,000-seed estimate is a background job that stores the rates once."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from marketplace.domain import selection
from marketplace.domain.states import JobKind, JobState
from marketplace.extensions import db
from marketplace.models import Draw, Job
from marketplace.services import accounts, draws, job_runs, jobs
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.integration.test_rounds import _closed_round, _score_all


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _drawn(make, rounds, clock, count=4):
    round_, staff, users = _closed_round(make, rounds, clock, count=count)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    draw = draws.run_round_draw(staff, round_.code, "07 12 19")
    return round_, staff, users, draw


def _expected(draw: Draw) -> dict:
    manifest = selection.manifest_from_json(draw.manifest_json)
    tier_of = {a.id: "first_timer" for a in manifest.applications}
    return selection.expected_rates(manifest, draw.seed, tier_of, draws.SAMPLE_RATE_SEEDS)


def test_the_draw_commits_with_its_estimate_queued_and_others_can_write_before_it_runs(app, make, rounds, clock, held):
    round_, staff, users, draw = _drawn(make, rounds, clock)
    assert draw.result_json is not None and draw.expected_rates is None
    [job_id] = held
    job = db.session.get(Job, job_id)
    assert (job.kind, job.state, job.progress, job.requested_by_id) == (
        JobKind.DRAW_ESTIMATE,
        JobState.QUEUED,
        0,
        staff.id,
    )
    version = users[0].session_version
    accounts.end_all_sessions(users[0])  # another write while the estimate waits
    assert users[0].session_version == version + 1

    assert job_runs.run_job(job_id) is True
    db.session.expire_all()
    job, draw = db.session.get(Job, job_id), db.session.get(Draw, draw.id)
    assert (job.state, job.progress, job.attempts) == (JobState.DONE, 100, 1)
    assert draw.expected_rates == _expected(draw) and set(draw.expected_rates) == {"first_timer"}
    manifest = selection.manifest_from_json(draw.manifest_json)
    assert (
        json.loads(draw.result_json)["order"]
        == json.loads(selection.result_json(selection.run_draw(manifest, "07 12 19")))["order"]
    )


def test_the_estimate_reports_its_progress_in_steps_while_it_counts(app, make, rounds, clock, held, monkeypatch):
    _round, _staff, _users, draw = _drawn(make, rounds, clock)
    seen: list[int] = []
    real = jobs.report_progress

    def spy(job_id, percent):
        real(job_id, percent)
        seen.append(db.session.get(Job, job_id).progress)

    monkeypatch.setattr(jobs, "report_progress", spy)
    job_runs.run_job(held[0])
    assert seen == sorted(seen) and seen[0] == 5 and seen[-1] == 99 and len(seen) == 20


def test_a_job_run_again_after_it_finished_changes_nothing(app, make, rounds, clock, held):
    _round, _staff, _users, draw = _drawn(make, rounds, clock)
    assert job_runs.run_job(held[0]) is True
    done = db.session.get(Job, held[0])
    finished_at, stored = done.finished_at, db.session.get(Draw, draw.id).expected_rates
    assert job_runs.run_job(held[0]) is False  # a duplicate message: already done
    db.session.expire_all()
    job = db.session.get(Job, held[0])
    assert (job.state, job.attempts, job.finished_at) == (JobState.DONE, 1, finished_at)
    assert db.session.get(Draw, draw.id).expected_rates == stored


def test_a_run_that_finishes_second_writes_nothing(app, make, rounds, clock, held, monkeypatch):
    """Two runs of one job (a worker that went quiet, and the run that replaced it): the first to finish wins."""
    _round, _staff, _users, draw = _drawn(make, rounds, clock)
    job_id = held[0]
    jobs.start(job_id)  # the first run, which will finish while the second one counts
    job = db.session.get(Job, job_id)
    job.heartbeat_at -= timedelta(hours=1)  # it went quiet: the second run takes the job
    db.session.commit()
    real = jobs.finish

    def finish_first_then_second(job_id_, effect):
        assert real(job_id_, lambda _job: None) is True  # the other run's effect and DONE
        return real(job_id_, effect)

    monkeypatch.setattr(jobs, "finish", finish_first_then_second)
    job_runs.run_job(job_id)
    db.session.expire_all()
    assert db.session.get(Draw, draw.id).expected_rates is None  # the second run's effect was dropped
    assert db.session.get(Job, job_id).state == JobState.DONE


def test_a_failing_estimate_is_marked_failed_with_its_error_and_a_retry_stores_the_rates(
    app, make, rounds, clock, held, monkeypatch
):
    _round, staff, _users, draw = _drawn(make, rounds, clock)

    def broken(*args, **kwargs):
        raise RuntimeError("the counting broke")

    real = selection.count_selections
    monkeypatch.setattr(selection, "count_selections", broken)
    assert job_runs.run_job(held[0]) is False
    job = db.session.get(Job, held[0])
    assert job.state == JobState.FAILED and job.error == "RuntimeError: the counting broke"
    monkeypatch.setattr(selection, "count_selections", real)
    with pytest.raises(jobs.JobError):
        jobs.retry(staff, _done_job(staff))  # only a failed job is queued again
    jobs.retry(staff, held[0])
    assert db.session.get(Job, held[0]).state == JobState.QUEUED
    assert job_runs.run_job(held[0]) is True
    db.session.expire_all()
    assert db.session.get(Draw, draw.id).expected_rates == _expected(db.session.get(Draw, draw.id))
    assert db.session.get(Job, held[0]).attempts == 2


def _done_job(staff) -> int:
    job = jobs.create_job(JobKind.DRAW_ESTIMATE, {"draw_id": 0, "seed": ""}, staff)
    job.state = JobState.DONE
    db.session.commit()
    return job.id
