"""Tracks on a round: set on the draft (audited), one per application with its own eligibility and cap,
checked again at close, drawn track by track under one manifest and verified by the public checker."""

from __future__ import annotations

import json
import runpy
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.domain.eligibility import WeightTiers
from marketplace.domain.rounds import RoundError
from marketplace.domain.states import TrackKind
from marketplace.domain.tracks import TrackError, TrackRules
from marketplace.extensions import db
from marketplace.models import Allocation, AuditEvent, User
from marketplace.services import applications as apps
from marketplace.services import draws
from marketplace.services import rounds as round_service
from marketplace.services import tracks as track_service
from tests.builders_rounds import Clock, RoundBuilders, kst

OPENS, CLOSES = kst(date(2018, 8, 16), 9), kst(date(2018, 9, 14), 18)  # closing day 2018-09-14
SCRIPT = Path(__file__).resolve().parents[2] / "static" / "tools" / "check_draw.py"
checker = runpy.run_path(str(SCRIPT))
LIMIT = 1_000_000_000


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _tracks(startup_share=40, startup_cap=60_000_000, general_cap=50_000_000):
    return [
        TrackRules(TrackKind.STARTUP, startup_share, startup_cap, WeightTiers(4, 3, 2)),
        TrackRules(TrackKind.GENERAL, 100 - startup_share, general_cap, WeightTiers(3, 2, 1), LIMIT),
    ]


def _tracked_round(make, rounds, staff):
    budgets = [(make.institution(code="AAA"), 100_000_000), (make.institution(code="BBB"), 50_000_000)]
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES, budgets=budgets, status="draft")
    track_service.set_tracks(staff, round_.code, _tracks())
    round_service.open_round(staff, round_.code)
    return round_


def _supplier(make, founded, record=0, count=0):
    company = make.company(founded_on=founded, public_supply_krw=record, public_supply_count=count)
    return make.user("supplier", company=company)


def _product(make, company):
    cert = make.certificate(company, issued_on=date(2017, 1, 1), expires_on=date(2019, 12, 31))
    return make.product(company, certificates=[cert])


def _apply_with(make, user, round_, kind, amount=50_000_000):
    product = _product(make, user.company)
    return apps.apply(user, round_.code, product.id, apps.ApplicationInput(amount, [], "", kind))


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_tracks_are_set_on_a_draft_audited_and_frozen_once_open(app, make, rounds, clock):
    staff = make.user("ministry")
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES, status="draft")
    with pytest.raises(TrackError, match="add up to 100"):
        track_service.set_tracks(staff, round_.code, _tracks()[:1])
    track_service.set_tracks(staff, round_.code, _tracks())
    assert [(t.kind, t.share_percent) for t in round_.tracks] == [("startup", 40), ("general", 60)]
    event = _events("round.tracks_set")[-1]
    assert event.after["tracks"][1]["record_limit_krw"] == LIMIT and event.before == {"tracks": []}
    round_service.open_round(staff, round_.code)
    with pytest.raises(RoundError):
        track_service.set_tracks(staff, round_.code, [])


def test_the_startup_track_takes_seven_years_to_the_day_and_says_why_not(app, make, rounds, clock):
    staff = make.user("ministry")
    round_ = _tracked_round(make, rounds, staff)
    young = _supplier(make, date(2011, 9, 14))
    application = _apply_with(make, young, round_, TrackKind.STARTUP)
    assert application.track.kind == "startup"
    old = _supplier(make, date(2011, 9, 13))
    with pytest.raises(TrackError, match=r"Founded 2011-09-13, more than 7 years before the close 2018-09-14"):
        _apply_with(make, old, round_, TrackKind.STARTUP)


def test_the_general_track_takes_a_record_under_its_threshold_only(app, make, rounds, clock):
    staff = make.user("ministry")
    round_ = _tracked_round(make, rounds, staff)
    _apply_with(make, _supplier(make, date(2000, 1, 1), LIMIT - 1), round_, TrackKind.GENERAL)
    with pytest.raises(TrackError, match="not under this track's threshold"):
        _apply_with(make, _supplier(make, date(2000, 1, 1), LIMIT), round_, TrackKind.GENERAL)


def test_each_track_has_its_own_cap_and_an_application_needs_exactly_one_track(app, make, rounds, clock):
    staff = make.user("ministry")
    round_ = _tracked_round(make, rounds, staff)
    user = _supplier(make, date(2015, 1, 1))
    _apply_with(make, user, round_, TrackKind.STARTUP, amount=60_000_000)  # the startup cap itself
    with pytest.raises(TrackError, match="cap of 60,000,000"):
        _apply_with(make, user, round_, TrackKind.STARTUP, amount=60_000_001)
    with pytest.raises(TrackError, match="cap of 50,000,000"):
        _apply_with(make, user, round_, TrackKind.GENERAL, amount=50_000_001)
    with pytest.raises(TrackError, match="Choose one of this round's tracks"):
        _apply_with(make, user, round_, "")
    with pytest.raises(TrackError, match="Choose one of this round's tracks"):
        _apply_with(make, user, round_, "small")  # a kind this round has no track of


def test_a_round_without_tracks_refuses_a_track(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    with pytest.raises(TrackError, match="no tracks"):
        _apply_with(make, _supplier(make, date(2015, 1, 1)), round_, TrackKind.STARTUP)


def _drawn(make, rounds, clock):
    staff = make.user("ministry")
    round_ = _tracked_round(make, rounds, staff)
    for n in range(4):
        _apply_with(make, _supplier(make, date(2015, 1, 1 + n), 0, 1), round_, TrackKind.STARTUP, 20_000_000)
        general = _supplier(make, date(2000, 1, 1), 600_000_000 + n, 1)
        _apply_with(make, general, round_, TrackKind.GENERAL, 30_000_000)
    clock.now = CLOSES + timedelta(minutes=1)
    round_service.close_round(staff, round_.code)
    for application in round_.applications:
        draws.score_application(staff, round_.code, application.id, 30, 25, 20)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    draws.run_round_draw(staff, round_.code, "07 12 19 28 33 41")
    return round_, staff


def test_each_track_is_drawn_on_its_share_with_its_weights_and_the_checker_agrees(app, make, rounds, clock):
    round_, staff = _drawn(make, rounds, clock)
    draw = round_.draw
    manifest = json.loads(draw.manifest_json)
    assert [t["track"] for t in manifest["tracks"]] == ["startup", "general"]
    assert manifest["tracks"][0]["institutions"] == [
        {"budget": 40_000_000, "code": "AAA"},
        {"budget": 20_000_000, "code": "BBB"},
    ]
    weights = {a.track.kind: a.weight for a in round_.applications}
    assert weights == {"startup": 3, "general": 1}  # startup tier of the startup track, general of the general
    result = json.loads(draw.result_json)
    assert checker["differences"](draw.manifest_json.encode(), result, draw.manifest_sha256) == []
    for track in result["tracks"]:
        budget = {
            i["code"]: i["budget"]
            for t in manifest["tracks"]
            if t["track"] == track["track"]
            for i in t["institutions"]
        }
        for code, total in budget.items():
            spent = sum(s["amount"] for s in track["selected"] if s["institution"] == code)
            assert spent + track["remaining"][code] == total
    selected = db.session.scalars(select(Allocation)).all()
    assert len(selected) == 3 + 3  # 3 of 20m fit 60m; 3 of 30m fit 90m (60m + 30m)
    draws.publish_round(staff, round_.code)
    assert draws.verify_draw(round_.code).matches


def test_close_rechecks_the_track(app, make, rounds, clock):
    staff = make.user("ministry")
    round_ = _tracked_round(make, rounds, staff)
    user = _supplier(make, date(2000, 1, 1), 10)
    application = _apply_with(make, user, round_, TrackKind.GENERAL)
    user.company.public_supply_krw = LIMIT
    db.session.commit()
    clock.now = CLOSES + timedelta(minutes=1)
    round_service.close_round(staff, round_.code)
    assert application.status == "ineligible" and "track_not_qualified" in application.eligibility_reasons
    assert application.snapshot["track"]["reason"] == "record_not_under"


def test_a_withdrawal_passes_its_budget_within_its_track_and_the_draw_still_verifies(app, make, rounds, clock):
    round_, staff = _drawn(make, rounds, clock)
    draws.publish_round(staff, round_.code)
    startup = [a for a in round_.applications if a.track.kind == "startup"]
    chosen = next(a for a in startup if a.status == "selected")
    waiting = next(a for a in startup if a.status == "waitlisted")
    user = db.session.scalar(select(User).where(User.company_id == chosen.company_id))
    promoted = apps.withdraw(user, chosen.id, "Plans changed")
    assert promoted is not None and promoted.application_id == waiting.id
    assert draws.verify_draw(round_.code).matches
