"""Pages for the seed event and the timeline; the supplier's warning when an application cannot win."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Application, Round
from marketplace.services import draws
from tests.builders_rounds import EVENT_EN, Clock, RoundBuilders, kst
from tests.functional.test_rounds_pages import CLOSES, EN, OPENS, ROUND_FORM, _post, _product, _with_mou

LATER = {
    "seed_event_ko": "로또 6/45 제826회 추첨",
    "seed_event_en": "Lotto 6/45 draw no. 826",
    "seed_event_on": "2018-09-29",
    "seed_event_time": "20:45",
    "reason": "The committee needed another week",
}


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 10), 10))


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


def _staff(make, auth):
    for code in ("KEPCO", "LH"):
        _with_mou(make, code)
    auth.login(make.user("ministry"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seed_event_time": ""}, b"Enter both the date and the time of the seed event."),
        ({"seed_event_on": "2018-09-14", "seed_event_time": "18:00"}, b"must happen after the round closes"),
        ({"seed_event_en": ""}, b"in Korean and in English"),
        ({"seed_event_ko": "가" * 501}, b"at most 500 characters"),
        ({"weight_first_timer": "11"}, b"A weight is a whole number from 1 to 10."),
        ({"weight_first_timer": "1", "weight_startup": "2"}, b"Weights must favour first-timers and startups"),
    ],
    ids=["time-missing", "before-the-close", "english-missing", "too-long", "weight-over-10", "promise-broken"],
)
def test_the_round_form_refuses_a_bad_seed_event_or_weights_with_400(app, make, auth, clock, change, message):
    _staff(make, auth)
    response = auth.client.post("/ministry/rounds/new", data={**ROUND_FORM, **change}, headers=EN)
    assert response.status_code == 400 and message in response.data
    assert db.session.scalar(select(Round)) is None


def test_a_draft_without_a_seed_event_is_kept_but_cannot_open(app, make, auth, clock):
    _staff(make, auth)
    empty = {"seed_event_ko": "", "seed_event_en": "", "seed_event_on": "", "seed_event_time": ""}
    assert _post(auth.client, "/ministry/rounds/new", data={**ROUND_FORM, **empty}).status_code == 302
    page = _post(auth.client, "/ministry/rounds/2018-H2/open", headers=EN, follow_redirects=True)
    assert b"before opening the round" in page.data and b"Name the seed event in the draft first" in page.data
    assert db.session.scalar(select(Round)).status == "draft"


def test_the_round_pages_show_the_timeline_in_seoul_time(app, make, auth, clock, client):
    _staff(make, auth)
    _post(auth.client, "/ministry/rounds/new", data=ROUND_FORM)
    edit = auth.client.get("/ministry/rounds/2018-H2/edit").get_data(as_text=True)
    assert 'value="2018-09-22"' in edit and 'value="20:45"' in edit and "Lotto 6/45 draw no. 825 numbers" in edit
    clock.now = kst(date(2018, 8, 16), 8, 30)
    _post(auth.client, "/ministry/rounds/2018-H2/open")
    for page in (client.get("/rounds/2018-H2", headers=EN), auth.client.get("/ministry/rounds/2018-H2", headers=EN)):
        text = page.get_data(as_text=True)
        assert "Rule published" in text and "2018-08-16 08:30 KST" in text
        assert "Lotto 6/45 draw no. 825 numbers" in text and "2018-09-22 20:45 KST" in text
        assert "Manifest frozen" in text and "Draw run" in text and "Published with the rules." in text
    korean = client.get("/rounds/2018-H2", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "로또 6/45 제825회 추첨 당첨번호" in korean and "2018-09-22 20:45 KST" in korean


def _closed_and_scored(make, rounds, clock, count=2):
    budgets = [(make.institution(code="AAA"), 100_000_000)]
    round_ = rounds.round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES, budgets=budgets)
    staff = make.user("ministry")
    for _ in range(count):
        rounds.application(round_, _product(make, make.company()))
    clock.now = CLOSES + timedelta(minutes=1)
    draws.round_service.close_round(staff, "2018-H2")
    for application in round_.applications:
        draws.score_application(staff, "2018-H2", application.id, 30, 30, 30)
    return round_, staff


def test_after_the_event_the_freeze_is_refused_and_a_later_event_is_announced_and_published(
    app, make, rounds, clock, auth, client
):
    round_, staff = _closed_and_scored(make, rounds, clock)
    auth.login(staff)
    clock.now = round_.seed_event_at + timedelta(hours=1)
    refused = _post(auth.client, "/ministry/rounds/2018-H2/freeze", headers=EN, follow_redirects=True)
    assert b"already happened" in refused.data and b"Announce a later public event" in refused.data
    assert b"The seed event has happened before the pool was frozen" in refused.data and round_.draw is None
    for change, message in (
        ({"reason": ""}, b"Give the reason for announcing another seed event."),
        ({"seed_event_on": "2018-09-15", "seed_event_time": "18:30"}, b"Announce an event that has not happened yet."),
        ({"seed_event_time": "25:00"}, b"Enter the event"),
    ):
        response = auth.client.post("/ministry/rounds/2018-H2/seed-event", data={**LATER, **change}, headers=EN)
        assert response.status_code == 400 and message in response.data, change
    assert round_.seed_event.description_en == EVENT_EN
    assert _post(auth.client, "/ministry/rounds/2018-H2/seed-event", data=LATER).status_code == 302
    assert round_.seed_event.description_en == "Lotto 6/45 draw no. 826"
    public = client.get("/rounds/2018-H2", headers=EN).get_data(as_text=True)
    assert "Lotto 6/45 draw no. 826" in public and "2018-09-29 20:45 KST" in public
    assert "because: The committee needed another week" in public
    assert _post(auth.client, "/ministry/rounds/2018-H2/freeze").status_code == 302 and round_.draw is not None


def test_the_draw_form_refuses_a_draw_before_the_event_with_400_and_keeps_the_seed(app, make, rounds, clock, auth):
    round_, staff = _closed_and_scored(make, rounds, clock)
    draws.freeze_pool(staff, "2018-H2")
    auth.login(staff)
    page = auth.client.get("/ministry/rounds/2018-H2", headers=EN).get_data(as_text=True)
    assert f"The outcome of {EVENT_EN}" in page and 'name="generate"' not in page
    response = auth.client.post("/ministry/rounds/2018-H2/draw", data={"seed": "3 9 27"}, headers=EN)
    assert response.status_code == 400 and b"only after that event" in response.data
    assert b'value="3 9 27"' in response.data
    assert round_.draw.seed is None


def _supplier_round(make, rounds, auth):
    budgets = [(make.institution(code="AAA"), 100_000_000), (make.institution(code="BBB"), 60_000_000)]
    round_ = rounds.round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES, budgets=budgets, cap=300_000_000)
    user = make.user("supplier")
    product = _product(make, user.company)
    auth.login(user)
    return round_, product


def test_an_application_that_cannot_win_is_saved_with_a_visible_warning(app, make, rounds, clock, auth):
    clock.now = kst(date(2018, 8, 20), 10)
    _round, product = _supplier_round(make, rounds, auth)
    form = auth.client.get("/supplier/rounds/2018-H2/apply", headers=EN)
    assert b"the largest is KRW 100,000,000" in form.data and b"cannot be selected" not in form.data
    saved = _post(
        auth.client,
        "/supplier/rounds/2018-H2/apply",
        headers=EN,
        follow_redirects=True,
        data={"product_id": str(product.id), "amount": "80,000,000", "preferred": ["BBB"]},
    )
    application = db.session.scalar(select(Application))
    assert application.amount_krw == 80_000_000 and application.status == "submitted"  # not refused
    assert b"Saved, but this application cannot be selected" in saved.data
    assert b"more than any of its preferred institutions puts into the round (at most KRW 60,000,000)" in saved.data
    edit = auth.client.get(f"/supplier/applications/{application.id}/edit", headers=EN)
    assert b"This application cannot be selected" in edit.data
    bad = auth.client.post(
        f"/supplier/applications/{application.id}/edit",
        headers=EN,
        data={"amount": "150,000,000", "statement": "x" * 2001},
    )
    assert bad.status_code == 400 and b"more than any participating institution" in bad.data
    fine = _post(
        auth.client,
        f"/supplier/applications/{application.id}/edit",
        headers=EN,
        follow_redirects=True,
        data={"amount": "80,000,000", "preferred": ["AAA"]},
    )
    assert b"was updated" in fine.data and b"cannot be selected" not in fine.data
