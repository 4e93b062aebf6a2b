"""Track pages: staff set a draft's tracks, the round pages show them, suppliers choose one and see why."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from marketplace.domain.eligibility import WeightTiers
from marketplace.domain.states import TrackKind
from marketplace.domain.tracks import TrackRules
from marketplace.extensions import db
from marketplace.models import Application, AuditEvent
from marketplace.services import tracks as track_service
from tests.builders_rounds import Clock, RoundBuilders, kst

OPENS, CLOSES = kst(date(2018, 8, 16), 9), kst(date(2018, 9, 14), 18)
EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}
TRACKS = {
    "startup_share": "40",
    "startup_cap": "60,000,000",
    "startup_weight_first_timer": "4",
    "startup_weight_startup": "3",
    "startup_weight_general": "2",
    "general_share": "60",
    "general_cap": "50,000,000",
    "general_record_limit": "1,000,000,000",
    "general_weight_first_timer": "3",
    "general_weight_startup": "2",
    "general_weight_general": "1",
    "small_weight_first_timer": "3",
    "small_weight_startup": "2",
    "small_weight_general": "1",
}


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


def test_staff_set_a_drafts_tracks_and_the_pages_show_them_in_both_languages(app, make, auth, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES, status="draft")
    auth.login(make.user("ministry"))
    url = f"/ministry/rounds/{round_.code}/tracks"
    assert auth.client.get(url, headers=EN).status_code == 200
    response = auth.client.post(url, data=TRACKS, headers=EN)
    assert response.status_code == 302
    assert [(t.kind, t.share_percent, t.cap_krw) for t in round_.tracks] == [
        ("startup", 40, 60_000_000),
        ("general", 60, 50_000_000),
    ]
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.tracks_set")).all()
    english = auth.client.get(f"/ministry/rounds/{round_.code}", headers=EN).get_data(as_text=True)
    assert "Startup track" in english and "Public supply record under" in english
    korean = auth.client.get(f"/ministry/rounds/{round_.code}", headers=KO).get_data(as_text=True)
    assert "창업과제" in korean and "일반과제" in korean
    edit = auth.client.get(url, headers=EN).get_data(as_text=True)
    assert "60,000,000" in edit


@pytest.mark.parametrize(
    "change, message",
    [
        ({"general_share": "59"}, "add up to 100"),
        ({"general_record_limit": ""}, "Enter this to keep the track"),
        ({"startup_cap": ""}, "Enter this to keep the track"),
        ({"startup_cap": "abc"}, ""),
        ({"startup_share": "101"}, "1 to 100"),
        ({"startup_weight_general": "5"}, "must not increase"),
    ],
)
def test_bad_tracks_are_refused_with_400_and_the_form_again(app, make, auth, rounds, clock, change, message):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES, status="draft")
    auth.login(make.user("ministry"))
    response = auth.client.post(f"/ministry/rounds/{round_.code}/tracks", data=TRACKS | change, headers=EN)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert round_.tracks == []


def test_an_open_rounds_tracks_cannot_be_changed(app, make, auth, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    auth.login(make.user("ministry"))
    response = auth.client.post(f"/ministry/rounds/{round_.code}/tracks", data=TRACKS, headers=EN)
    assert response.status_code == 302 and round_.tracks == []


def _open_tracked_round(make, rounds):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES, status="draft")
    staff = make.user("ministry")
    track_service.set_tracks(
        staff,
        round_.code,
        [
            TrackRules(TrackKind.STARTUP, 40, 60_000_000, WeightTiers()),
            TrackRules(TrackKind.GENERAL, 60, 50_000_000, WeightTiers(), 1_000_000_000),
        ],
    )
    round_.status = "open"
    db.session.commit()
    return round_


def _supplier_with_product(make, founded):
    user = make.user("supplier", company=make.company(founded_on=founded))
    cert = make.certificate(user.company, issued_on=date(2017, 1, 1), expires_on=date(2020, 1, 1))
    return user, make.product(user.company, certificates=[cert])


def test_a_supplier_sees_why_it_qualifies_and_is_refused_a_track_it_does_not(app, make, auth, rounds, clock):
    round_ = _open_tracked_round(make, rounds)
    user, product = _supplier_with_product(make, date(2011, 9, 13))  # one day too old for the startup track
    auth.login(user)
    url = f"/supplier/rounds/{round_.code}/apply"
    page = auth.client.get(url, headers=EN).get_data(as_text=True)
    assert "Founded 2011-09-13, more than 7 years before the close 2018-09-14" in page
    assert "under this track&#39;s threshold" in page or "under this track's threshold" in page
    form = {"product_id": str(product.id), "amount": "50,000,000", "statement": ""}
    refused = auth.client.post(url, data=form | {"track": "startup"}, headers=EN)
    assert refused.status_code == 400 and "more than 7 years before the close" in refused.get_data(as_text=True)
    korean = auth.client.get(url, headers=KO).get_data(as_text=True)
    assert "창업과제" in korean
    over = auth.client.post(url, data=form | {"track": "general", "amount": "50,000,001"}, headers=EN)
    assert over.status_code == 400 and "cap of 50,000,000" in over.get_data(as_text=True)
    none = auth.client.post(url, data=form, headers=EN)
    assert none.status_code == 400
    accepted = auth.client.post(url, data=form | {"track": "general"}, headers=EN)
    assert accepted.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.track.kind == "general"
    detail = auth.client.get(f"/supplier/applications/{application.id}", headers=EN).get_data(as_text=True)
    assert "General track" in detail


def test_the_public_round_page_shows_the_tracks(app, make, client, rounds, clock):
    round_ = _open_tracked_round(make, rounds)
    page = client.get(f"/rounds/{round_.code}", headers=EN).get_data(as_text=True)
    assert "Startup track" in page and "40%" in page and "60,000,000" in page


def test_the_ministry_applications_table_shows_the_track(app, make, auth, rounds, clock):
    round_ = _open_tracked_round(make, rounds)
    user, product = _supplier_with_product(make, date(2015, 1, 1))
    auth.login(user)
    form = {"product_id": str(product.id), "amount": "50,000,000", "statement": "", "track": "startup"}
    assert auth.client.post(f"/supplier/rounds/{round_.code}/apply", data=form, headers=EN).status_code == 302
    auth.logout()
    auth.login(make.user("ministry"))
    page = auth.client.get(f"/ministry/rounds/{round_.code}", headers=KO).get_data(as_text=True)
    assert page.count("창업과제") >= 2  # the tracks table and the application's row
    method = auth.client.get("/how-the-draw-works", headers=EN).get_data(as_text=True)
    assert "A round with tracks lists its tracks in the same manifest" in method
