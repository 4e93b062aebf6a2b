"""The small-value track end to end: monthly batches made from the last one, rolling intake into the batch open
now, each batch drawn on its own manifest and seed event and verified by the public checker, and orders against a
small-value selection capped at KRW 20,000,000 and refused after the selection's year."""

from __future__ import annotations

import json
import runpy
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.domain import small_track as st
from marketplace.domain.clock import seoul_date
from marketplace.domain.eligibility import WeightTiers
from marketplace.domain.orders import PlacementRefused
from marketplace.domain.rounds import RoundError
from marketplace.domain.states import TrackKind
from marketplace.domain.tracks import TrackError, TrackRules
from marketplace.extensions import db
from marketplace.models import Allocation, AuditEvent, Round
from marketplace.services import applications as apps
from marketplace.services import draws, orders, quota
from marketplace.services import rounds as round_service
from marketplace.services import small_track as batches
from marketplace.services import tracks as track_service
from tests.builders_rounds import Clock, kst

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "tools" / "check_draw.py"
checker = runpy.run_path(str(SCRIPT))
CAP = 50_000_000


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2026, 11, 10), 10))


@pytest.fixture
def staff(make):
    return make.user("ministry")


@pytest.fixture
def institutions(make, staff):
    found = []
    for code in ("AAA", "BBB"):
        institution = make.institution(code=code)
        terms = quota.MouTerms(f"MOU-{code}", date(2026, 1, 2), date(2026, 1, 2), date(2028, 12, 31), 900_000_000)
        quota.create_mou(staff, institution, terms)
        found.append(institution)
    return found


def first_batch(staff, year=2026, month=11) -> Round:
    """The first batch, set up by staff as any round with a small-value track taking the whole budget."""
    opens_at, closes_at = st.batch_window(year, month)
    event_ko, event_en, event_at = st.seed_event(year, month)
    settings = round_service.RoundSettings(
        code=st.batch_code(year, month),
        title_ko="소액과제 첫 회차",
        title_en="Small-value track, first batch",
        opens_at=opens_at,
        closes_at=closes_at,
        cap_krw=CAP,
        pass_mark=70,
        budgets=[("AAA", 100_000_000), ("BBB", 60_000_000)],
        seed_event_ko=event_ko,
        seed_event_en=event_en,
        seed_event_at=event_at,
    )
    round_ = round_service.create_round(staff, settings)
    track_service.set_tracks(staff, round_.code, [TrackRules(TrackKind.SMALL, 100, CAP, WeightTiers())])
    return round_service.open_round(staff, round_.code)


def supplier(make, founded, record=0, count=0):
    company = make.company(founded_on=founded, public_supply_krw=record, public_supply_count=count)
    return make.user("supplier", company=company)


def apply(make, user, round_, amount=45_000_000, kind=TrackKind.SMALL):
    cert = make.certificate(user.company, issued_on=date(2025, 1, 1), expires_on=date(2030, 12, 31))
    product = make.product(user.company, certificates=[cert])
    return apps.apply(user, round_.code, product.id, apps.ApplicationInput(amount, [], "", kind))


def draw_and_publish(round_, staff, clock, seed, published_at=None):
    clock.now = round_.closes_at + timedelta(minutes=1)
    round_service.close_round(staff, round_.code)
    for application in round_.applications:
        if application.status == "eligible":
            draws.score_application(staff, round_.code, application.id, 30, 25, 20)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    draws.run_round_draw(staff, round_.code, seed)
    clock.now = published_at or round_.seed_event_at + timedelta(hours=14)  # the next morning in Seoul
    draws.publish_round(staff, round_.code)


def test_the_batch_takes_startups_and_first_timers_up_to_500_million_and_says_why(
    app, make, staff, institutions, clock
):
    round_ = first_batch(staff)
    at_limit = apply(make, supplier(make, date(2022, 5, 1), 500_000_000, 4), round_)
    assert at_limit.track.kind == "small"
    first_timer = apply(make, supplier(make, date(1999, 5, 1)), round_)
    assert first_timer.track.kind == "small"
    with pytest.raises(TrackError, match="above the small-value track's limit of 500,000,000 won"):
        apply(make, supplier(make, date(2022, 5, 1), 500_000_001, 4), round_)
    with pytest.raises(TrackError, match="Neither a startup"):
        apply(make, supplier(make, date(1999, 5, 1), 1_000, 1), round_)
    with pytest.raises(TrackError, match="Choose one of this round's tracks"):
        apply(make, supplier(make, date(2022, 5, 1)), round_, kind=TrackKind.STARTUP)


def test_rolling_intake_lands_in_the_batch_open_now_and_the_next_month_opens_a_week_ahead(
    app, make, staff, institutions, clock
):
    november = first_batch(staff)
    assert batches.open_due_batches(kst(date(2026, 11, 23), 23, 59)) == []  # 7 days left: not yet
    clock.now = kst(date(2026, 11, 24), 0, 9)  # 6 days left in November
    assert batches.open_due_batches() == ["SV-2026-12"]
    assert batches.open_due_batches() == []  # once
    assert batches.current_batch(kst(date(2026, 11, 30), 23, 59, 59)).code == "SV-2026-11"
    december = batches.current_batch(kst(date(2026, 12, 1), 0))  # no gap at midnight
    assert december.code == "SV-2026-12" and december.status == "open"
    assert (december.opens_at, december.closes_at) == st.batch_window(2026, 12)
    assert {b.institution.code: b.budget_krw for b in december.budgets} == {"AAA": 100_000_000, "BBB": 60_000_000}
    assert [(t.kind, t.share_percent, t.cap_krw) for t in december.tracks] == [("small", 100, CAP)]
    assert december.seed_event_at == st.seed_event(2026, 12)[2] != november.seed_event_at
    actions = [
        e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == december.id)).all()
    ]
    assert {"round.created", "round.tracks_set", "round.opened"} <= set(actions)
    clock.now = kst(date(2027, 1, 1), 0, 5)  # no run in December's last week: January's opens now, from December
    assert batches.current_batch() is None
    assert batches.open_due_batches() == ["SV-2027-01"]
    assert batches.current_batch().code == "SV-2027-01"


def test_without_an_earlier_batch_there_is_nothing_to_copy(app, staff, institutions, clock):
    assert batches.open_due_batches() == []
    with pytest.raises(RoundError, match="no earlier small-value batch"):
        batches.open_batch(staff, 2026, 12)


def test_a_draft_staff_prepared_for_the_month_stops_the_job_and_keeps_its_settings(
    app, make, staff, institutions, clock
):
    first_batch(staff)
    opens_at, closes_at = st.batch_window(2026, 12)
    event_ko, event_en, event_at = st.seed_event(2026, 12)
    settings = round_service.RoundSettings(
        "SV-2026-12", "소액과제 12월", "Small-value, December", opens_at, closes_at, CAP, 70, [("AAA", 30_000_000)],
        seed_event_ko=event_ko, seed_event_en=event_en, seed_event_at=event_at,
    )  # fmt: skip
    round_service.create_round(staff, settings)
    track_service.set_tracks(staff, "SV-2026-12", [TrackRules(TrackKind.SMALL, 100, 10_000_000, WeightTiers(5, 4, 1))])
    clock.now = kst(date(2026, 12, 1), 0, 9)
    assert batches.open_due_batches() == []
    december = batches.open_batch(staff, 2026, 12)  # staff open it (the command does the same)
    assert december.status == "open" and [(t.cap_krw, t.weight_first_timer) for t in december.tracks] == [
        (10_000_000, 5)
    ]
    assert {b.institution.code: b.budget_krw for b in december.budgets} == {"AAA": 30_000_000}


def test_each_monthly_batch_is_drawn_on_its_own_manifest_and_seed_and_the_checker_agrees(
    app, make, staff, institutions, clock
):
    november = first_batch(staff)
    for n in range(4):
        apply(make, supplier(make, date(2021, 1, 1 + n), 1_000_000 * n, n), november)
    clock.now = kst(date(2026, 12, 1), 0, 5)
    december = batches.open_batch(staff, 2026, 12)
    for n in range(3):
        apply(make, supplier(make, date(1990, 1, 1 + n)), december)
    draw_and_publish(november, staff, clock, "03 11 19 27 35 44 + 8")
    draw_and_publish(december, staff, clock, "01 09 17 26 38 45 + 2")
    fingerprints = set()
    for batch in (november, december):
        draw = batch.draw
        manifest = json.loads(draw.manifest_json)
        assert manifest["round"] == batch.code and [t["track"] for t in manifest["tracks"]] == ["small"]
        assert {a["track"] for a in manifest["applications"]} == {"small"}
        result = json.loads(draw.result_json)
        assert checker["differences"](draw.manifest_json.encode(), result, draw.manifest_sha256) == []
        assert draws.verify_draw(batch.code).matches
        fingerprints.add(draw.manifest_sha256)
        published_on = seoul_date(draw.published_at)
        allocations = db.session.scalars(select(Allocation).where(Allocation.round_id == batch.id)).all()
        assert allocations and {a.valid_until for a in allocations} == {st.selection_valid_until(published_on)}
    assert len(fingerprints) == 2
    assert len(november.applications) == 4 and len(december.applications) == 3


def _selection(make, staff, institutions, clock) -> Allocation:
    november = first_batch(staff)
    apply(make, supplier(make, date(2021, 1, 1)), november)
    draw_and_publish(november, staff, clock, "03 11 19 27 35 44 + 8")
    return db.session.scalars(select(Allocation).where(Allocation.round_id == november.id)).one()


def _order(buyer, allocation, amount, day, quantity=1):
    data = orders.PurchaseInput(
        allocation_id=allocation.id,
        mou_id=db.session.scalar(select(quota.Mou.id).where(quota.Mou.institution_id == allocation.institution_id)),
        quantity=quantity,
        unit_price_krw=amount // quantity,
        contract_method="private_contract",
        ordered_on=day,
        no_private_interest=True,
    )
    return orders.record_pilot_purchase(buyer, data, today=day, now=kst(day, 10))


def test_an_order_of_20_million_is_placed_and_one_won_more_refused(app, make, staff, institutions, clock):
    allocation = _selection(make, staff, institutions, clock)
    buyer = make.user("buyer", institution=allocation.institution)
    day = seoul_date(allocation.round.draw.published_at) + timedelta(days=3)
    with pytest.raises(PlacementRefused, match="20,000,001 won is above 20,000,000 won"):
        _order(buyer, allocation, 20_000_001, day)
    placed = _order(buyer, allocation, 20_000_000, day)
    assert placed.amount_krw == 20_000_000
    assert _order(buyer, allocation, 20_000_000, day, quantity=4).amount_krw == 20_000_000


def test_orders_are_refused_after_the_selections_year(app, make, staff, institutions, clock):
    allocation = _selection(make, staff, institutions, clock)
    buyer = make.user("buyer", institution=allocation.institution)
    published_on = seoul_date(allocation.round.draw.published_at)
    until = st.selection_valid_until(published_on)
    assert until == published_on.replace(year=published_on.year + 1)
    with pytest.raises(PlacementRefused, match=f"valid until {until.isoformat()}"):
        _order(buyer, allocation, 1_000_000, until + timedelta(days=1))
    assert _order(buyer, allocation, 1_000_000, until).ordered_on == until


def test_the_hourly_task_and_the_command_open_the_months_batch(app, runner, staff, institutions, clock):
    from marketplace.jobs import tasks

    first_batch(staff)
    clock.now = kst(date(2026, 12, 1), 0, 9)
    tasks.hourly_small_batch()
    assert db.session.scalar(select(Round.status).where(Round.code == "SV-2026-12")) == "open"
    again = runner.invoke(args=["draw", "open-small-batch", "--month", "2026-12"])
    assert again.exit_code == 0 and "SV-2026-12: open" in again.output
    ahead = runner.invoke(args=["draw", "open-small-batch", "--month", "2027-01"])
    assert ahead.exit_code == 0 and "SV-2027-01: open" in ahead.output  # opened ahead, taking nothing until 1 Jan
    assert batches.current_batch().code == "SV-2026-12"
    bad = runner.invoke(args=["draw", "open-small-batch", "--month", "2026-13"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


def test_a_batch_whose_budgets_no_longer_fit_the_quota_is_not_opened_and_staff_are_told(
    app, make, staff, institutions, clock, caplog
):
    from marketplace.jobs import tasks

    first_batch(staff)
    mou = db.session.scalar(select(quota.Mou).where(quota.Mou.number == "MOU-BBB"))
    quota.amend_mou(staff, mou.id, -880_000_000, "Budget cut")  # 20m left, the batch asks for 60m
    clock.now = kst(date(2026, 12, 1), 0, 9)
    tasks.hourly_small_batch()
    assert db.session.scalar(select(Round.id).where(Round.code == "SV-2026-12")) is None
    assert "small-value batch not opened" in caplog.text


def test_the_year_counts_from_the_seoul_day_of_publication(app, make, staff, institutions, clock):
    november = first_batch(staff)
    apply(make, supplier(make, date(2021, 1, 1)), november)
    published_at = kst(date(2026, 12, 13), 0, 30)  # still 12 December in UTC
    assert published_at.date() == date(2026, 12, 12)
    draw_and_publish(november, staff, clock, "03 11 19 27 35 44 + 8", published_at)
    allocation = db.session.scalars(select(Allocation).where(Allocation.round_id == november.id)).one()
    assert allocation.valid_until == date(2027, 12, 13)
