"""Long work in the background, as people see it: the draw's estimate and large reports show progress, then results."""

from __future__ import annotations

import re
from datetime import date

import pytest

from marketplace.domain.states import JobState
from marketplace.extensions import db
from marketplace.models import Job, ReportDocument
from marketplace.services import draws, job_runs
from tests.builders_reports import ReportBuilders
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.integration.test_rounds import _closed_round, _score_all

EN = {"Accept-Language": "en"}


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _frozen_round(make, clock):
    round_, staff, _users = _closed_round(make, RoundBuilders(make), clock, count=4)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    return round_, staff


def test_the_draw_answers_at_once_and_the_round_page_shows_the_estimates_progress_then_the_rates(
    app, make, clock, auth, held
):
    round_, staff = _frozen_round(make, clock)
    auth.login(staff, language="en")
    drawn = auth.client.post(f"/ministry/rounds/{round_.code}/draw", data={"seed": "07 12 19"})
    assert drawn.status_code == 302 and round_.draw.expected_rates is None and len(held) == 1

    waiting = auth.client.get(f"/ministry/rounds/{round_.code}")
    text = waiting.get_data(as_text=True)
    assert waiting.headers["Refresh"] == "3"  # the browser asks again: no script needed
    assert "are being computed in the background" in text and 'value="0"' in text and "Waiting for a worker" in text

    job = db.session.get(Job, held[0])
    job.state, job.progress = JobState.RUNNING, 40
    db.session.commit()
    running = auth.client.get(f"/ministry/rounds/{round_.code}").get_data(as_text=True)
    assert 'value="40"' in running and "40%" in running and "Running" in running

    job.state = JobState.QUEUED
    db.session.commit()
    job_runs.run_job(held[0])
    done = auth.client.get(f"/ministry/rounds/{round_.code}")
    assert "Refresh" not in done.headers and "being computed" not in done.get_data(as_text=True)
    rate = 100 * round_.draw.expected_rates["first_timer"]
    assert f"{rate:.1f}%" in done.get_data(as_text=True)


def test_with_the_queue_running_jobs_at_once_the_round_page_shows_the_rates_after_the_draw(app, make, clock, auth):
    round_, staff = _frozen_round(make, clock)
    auth.login(staff, language="en")
    auth.client.post(f"/ministry/rounds/{round_.code}/draw", data={"seed": "07 12 19"})
    page = auth.client.get(f"/ministry/rounds/{round_.code}")
    assert "Refresh" not in page.headers and round_.draw.expected_rates is not None


def _report_query(institution_id: int) -> dict:
    return {
        "purchase-institution": str(institution_id),
        "purchase-start": "2018-01-01",
        "purchase-end": "2018-12-31",
        "purchase-round": "",
        "purchase-language": "en",
    }


@pytest.fixture
def purchases(app, make):
    """A buyer with two orders; reports with more than one order line are prepared as jobs."""
    app.config["REPORTS_JOB_ORDERS"] = 1
    reports = ReportBuilders(make)
    first = reports.purchase()
    reports.purchase(first.buyer, mou=first.mou, round_=first.allocation.round)
    return first.buyer


def test_a_small_report_is_still_sent_at_once(app, make, auth, purchases):
    app.config["REPORTS_JOB_ORDERS"] = 2
    auth.login(purchases)
    response = auth.client.get("/buyer/reports/purchase-report.pdf", query_string=_report_query(1))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert db.session.query(Job).count() == 0


def test_a_large_report_shows_its_progress_then_only_its_requester_and_staff_get_the_file(
    app, make, auth, purchases, held
):
    buyer = purchases
    auth.login(buyer, language="en")
    query = _report_query(buyer.institution_id)
    asked = auth.client.get("/buyer/reports/purchase-report.pdf", query_string=query)
    assert asked.status_code == 303 and asked.headers["Location"].endswith(f"/buyer/reports/jobs/{held[0]}")
    again = auth.client.get("/buyer/reports/purchase-report.pdf", query_string=query)
    assert again.headers["Location"] == asked.headers["Location"] and len(held) == 2  # the same job, once
    assert db.session.query(Job).count() == 1

    waiting = auth.client.get(asked.headers["Location"])
    text = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and waiting.headers["Refresh"] == "2"
    # the page refreshes itself by the Refresh header: no script of its own (base.html's deferred app.js
    # only unfolds the catalogue's options)
    assert "0%" in text and "Time since you asked: 0 min" in text
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/js/app.js" defer>']
    assert auth.client.get(f"/buyer/reports/jobs/{held[0]}/file").status_code == 404  # not ready yet

    assert job_runs.run_job(held[0]) is True
    ready = auth.client.get(asked.headers["Location"])
    assert "Refresh" not in ready.headers and "The report is ready." in ready.get_data(as_text=True)
    pdf = auth.client.get(f"/buyer/reports/jobs/{held[0]}/file")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and "no-store" in pdf.headers["Cache-Control"]
    assert db.session.query(ReportDocument).count() == 1

    auth.logout()
    auth.login(make.user("buyer", institution=buyer.institution))  # a colleague did not ask for it
    assert auth.client.get(asked.headers["Location"]).status_code == 404
    assert auth.client.get(f"/buyer/reports/jobs/{held[0]}/file").status_code == 404
    auth.logout()
    auth.login(make.user("ministry"))
    assert auth.client.get(f"/ministry/reports/jobs/{held[0]}/file").data == pdf.data


def test_a_failed_job_shows_on_the_staff_page_with_its_error_and_staff_can_try_it_again(
    app, make, auth, purchases, held, monkeypatch
):
    from marketplace.services import report_jobs

    auth.login(purchases)
    auth.client.get("/buyer/reports/purchase-report.pdf", query_string=_report_query(purchases.institution_id))
    real = report_jobs.purchase_report

    def broken(*args, **kwargs):
        raise RuntimeError("fonts are missing")

    monkeypatch.setattr(report_jobs, "purchase_report", broken)
    job_runs.run_job(held[0])
    failed_page = auth.client.get(f"/buyer/reports/jobs/{held[0]}", headers=EN).get_data(as_text=True)
    assert "could not be prepared" in failed_page and "fonts are missing" not in failed_page  # staff see why

    auth.logout()
    staff = make.user("ministry")
    auth.login(staff, language="en")
    page = auth.client.get("/ministry/jobs")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "RuntimeError: fonts are missing" in text and "Try again" in text
    assert 'href="/ministry/jobs"' in auth.client.get("/ministry/").get_data(as_text=True)  # in the menu

    monkeypatch.setattr(report_jobs, "purchase_report", real)
    form_key = "k" * 32
    retried = auth.client.post(f"/ministry/jobs/{held[0]}/retry", data={"form_key": form_key})
    assert retried.status_code == 302 and held[-1] == held[0]
    repeat = auth.client.post(f"/ministry/jobs/{held[0]}/retry", data={"form_key": form_key})
    assert repeat.status_code in (302, 303) and len(held) == 2  # the one-time key: queued once
    job_runs.run_job(held[0])
    job = db.session.get(Job, held[0])
    assert (job.state, job.attempts, job.error) == (JobState.DONE, 2, "")
    listed = auth.client.get("/ministry/jobs").get_data(as_text=True)
    assert "No job has failed." in listed and "fonts are missing" not in listed
    refused = auth.client.post(f"/ministry/jobs/{held[0]}/retry", follow_redirects=False)
    assert refused.status_code == 302
    assert "Only a failed job can be queued again." in auth.client.get("/ministry/jobs").get_data(as_text=True)
