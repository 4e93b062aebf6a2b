"""Round services: window to the minute, eligibility at close, scores, freeze, draw, publication, refills."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.domain import selection
from marketplace.domain.clock import seoul_date
from marketplace.domain.errors import DomainError, NotFound
from marketplace.domain.rounds import RoundError, ScoreError, SeedError, WindowClosedError
from marketplace.extensions import db
from marketplace.models import Allocation, Application, AuditEvent
from marketplace.services import applications as apps
from marketplace.services import draws
from marketplace.services import rounds as round_service
from marketplace.services.seed_events import result_timeline
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import Clock, RoundBuilders, kst

OPENS, CLOSES = kst(date(2018, 8, 16), 9), kst(date(2018, 9, 14), 18)


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _certified_product(make, company, expires=date(2019, 12, 31)):
    cert = make.certificate(company, issued_on=date(2017, 1, 1), expires_on=expires)
    return make.product(company, certificates=[cert])


def _supplier(make, **company):
    return make.user("supplier", company=make.company(**company))


def _apply(user, round_, product, amount=50_000_000, preferred=()):
    return apps.apply(user, round_.code, product.id, apps.ApplicationInput(amount, list(preferred), "우리 제품"))


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_an_application_in_the_last_second_of_the_closing_minute_is_accepted(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    clock.now = kst(date(2018, 9, 14), 18, 0, 59)
    application = _apply(user, round_, _certified_product(make, user.company))
    assert application.receipt_no == f"{round_.code}-{application.id:06d}"
    assert _events("application.submitted")


def test_an_application_one_minute_after_the_close_is_refused_with_the_closing_time(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    product = _certified_product(make, user.company)
    clock.now = kst(date(2018, 9, 14), 18, 1)
    with pytest.raises(WindowClosedError, match="closed at 2018-09-14 18:00 KST"):
        _apply(user, round_, product)


def test_an_application_before_the_opening_minute_is_refused(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    product = _certified_product(make, user.company)
    clock.now = kst(date(2018, 8, 16), 8, 59, 59)
    with pytest.raises(WindowClosedError, match="open at 2018-08-16 09:00 KST"):
        _apply(user, round_, product)
    clock.now = kst(date(2018, 8, 16), 9)
    assert _apply(user, round_, product).status == "submitted"


def test_a_draft_round_takes_no_applications(app, make, rounds, clock):
    round_ = rounds.round(status="draft", opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    with pytest.raises(WindowClosedError, match="not open"):
        _apply(user, round_, _certified_product(make, user.company))


def test_one_application_per_product_per_round(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    product = _certified_product(make, user.company)
    first = _apply(user, round_, product)
    with pytest.raises(RoundError, match=first.receipt_no):
        _apply(user, round_, product)


def test_a_withdrawn_application_can_be_submitted_again_in_the_window(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    product = _certified_product(make, user.company)
    first = _apply(user, round_, product)
    apps.withdraw(user, first.id, "Plans changed")
    again = _apply(user, round_, product, amount=10_000_000)
    assert again.id == first.id and again.status == "submitted" and again.amount_krw == 10_000_000
    assert _events("application.resubmitted")


def test_a_product_whose_certificate_expires_before_the_close_cannot_apply(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    product = _certified_product(make, user.company, expires=date(2018, 9, 13))
    with pytest.raises(RoundError, match="certificate valid through the round"):
        _apply(user, round_, product)


def test_a_supplier_cannot_apply_with_another_companys_product(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user, other = _supplier(make), _supplier(make)
    with pytest.raises(RoundError):
        _apply(user, round_, _certified_product(make, other.company))


def test_an_amount_above_the_cap_and_an_unknown_institution_are_refused(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES, cap=60_000_000)
    user = _supplier(make)
    product = _certified_product(make, user.company)
    with pytest.raises(RoundError, match="cap of 60,000,000"):
        _apply(user, round_, product, amount=60_000_001)
    with pytest.raises(RoundError, match="NOPE"):
        _apply(user, round_, product, preferred=["NOPE"])


def test_edit_and_withdraw_work_until_close_and_are_refused_after(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    application = _apply(user, round_, _certified_product(make, user.company))
    code = round_.budgets[0].institution.code
    apps.edit(user, application.id, apps.ApplicationInput(20_000_000, [code], "수정"))
    assert application.amount_krw == 20_000_000 and [i.code for i in application.preferred] == [code]
    assert _events("application.edited")
    clock.now = CLOSES + timedelta(minutes=1)
    with pytest.raises(WindowClosedError):
        apps.edit(user, application.id, apps.ApplicationInput(30_000_000, [], ""))
    with pytest.raises(WindowClosedError):
        apps.withdraw(user, application.id, "Plans changed")


def test_another_company_cannot_edit_or_withdraw_an_application(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    owner, intruder = _supplier(make), _supplier(make)
    application = _apply(owner, round_, _certified_product(make, owner.company))
    with pytest.raises(NotFound, match="belongs to another company"):
        apps.edit(intruder, application.id, apps.ApplicationInput(1, [], ""))
    with pytest.raises(NotFound, match="belongs to another company"):
        apps.withdraw(intruder, application.id, "Plans changed")


def test_closing_before_the_window_ends_is_refused(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    staff = make.user("ministry")
    clock.now = kst(date(2018, 9, 14), 18, 0, 59)
    with pytest.raises(RoundError, match="still open until 2018-09-14 18:00 KST"):
        round_service.close_round(staff, round_.code)


def test_close_lists_every_reason_and_snapshots_the_tier(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES, cap=100_000_000)
    staff = make.user("ministry")
    good = _supplier(make, founded_on=date(2012, 1, 1), public_supply_count=0)
    bad = _supplier(make, founded_on=date(2000, 1, 1), public_supply_count=3, public_supply_krw=900_000_000)
    fine = _apply(good, round_, _certified_product(make, good.company))
    doomed = _apply(bad, round_, _certified_product(make, bad.company))
    bad.company.status = "suspended"
    doomed.product.status = "delisted"
    doomed.product.certificates[0].status = "revoked"
    doomed.amount_krw = 200_000_000  # as if the cap had been bypassed
    db.session.commit()
    clock.now = CLOSES + timedelta(minutes=1)
    round_service.close_round(staff, round_.code)
    assert fine.status == "eligible" and fine.eligibility_reasons == []
    assert fine.snapshot["tier"] == "first_timer" and fine.weight == 3 and fine.snapshot["startup"] is True
    assert doomed.status == "ineligible"
    assert doomed.eligibility_reasons == [
        "company_not_approved",
        "certificate_not_valid",
        "product_not_listed",
        "amount_over_cap",
    ]
    assert doomed.snapshot["tier"] == "general" and doomed.weight == 1
    assert len(_events("application.checked")) == 2 and _events("round.closed")


def test_a_round_whose_window_passed_closes_itself_when_touched(app, make, rounds, clock):
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    user = _supplier(make)
    _apply(user, round_, _certified_product(make, user.company))
    assert round_service.close_if_due(round_) is False
    clock.now = CLOSES + timedelta(minutes=1)
    assert round_service.close_if_due(round_) is True
    assert round_.status == "closed" and round_.applications[0].status == "eligible"
    assert round_service.close_if_due(round_) is False


def _closed_round(make, rounds, clock, count=4, budgets=None):
    """A closed round with `count` eligible applications of 50,000,000 each; returns (round, staff, users)."""
    budgets = budgets or [
        (make.institution(code="AAA"), 100_000_000),
        (make.institution(code="BBB"), 50_000_000),
    ]
    round_ = rounds.round(opens_at=OPENS, closes_at=CLOSES, budgets=budgets)
    staff = make.user("ministry")
    users = []
    for _ in range(count):
        user = _supplier(make)
        _apply(user, round_, _certified_product(make, user.company))
        users.append(user)
    clock.now = CLOSES + timedelta(minutes=1)
    round_service.close_round(staff, round_.code)
    return round_, staff, users


def _score_all(staff, round_, total=(30, 25, 20)):
    for application in round_.applications:
        draws.score_application(staff, round_.code, application.id, *total)


def test_scores_are_checked_against_each_criterion_maximum(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=1)
    application = round_.applications[0]
    with pytest.raises(ScoreError):
        draws.score_application(staff, round_.code, application.id, 41, 0, 0)
    draws.score_application(staff, round_.code, application.id, 40, 30, 30)
    assert application.total_score == 100 and _events("application.scored")


def test_the_pool_cannot_freeze_while_a_score_is_missing(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=2)
    with pytest.raises(RoundError, match="2 eligible applications have no scores"):
        draws.freeze_pool(staff, round_.code)


def test_there_is_no_draw_before_the_freeze(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=1)
    with pytest.raises(RoundError, match="Freeze the pool before the draw"):
        draws.run_round_draw(staff, round_.code, "12 19 28")


def test_freeze_publishes_the_manifest_of_the_pool_at_or_above_the_pass_mark(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=3)
    low = round_.applications[0]
    _score_all(staff, round_)
    draws.score_application(staff, round_.code, low.id, 10, 10, 10)
    draw = draws.freeze_pool(staff, round_.code)
    manifest = selection.manifest_from_json(draw.manifest_json)
    assert [a.id for a in manifest.applications] == sorted(a.id for a in round_.applications if a is not low)
    assert draw.manifest_sha256 == selection.manifest_sha256(manifest) and draw.seed is None
    assert [i.code for i in manifest.institutions] == ["AAA", "BBB"]
    with pytest.raises(RoundError, match="frozen manifest cannot change"):
        draws.freeze_pool(staff, round_.code)
    with pytest.raises(RoundError, match="scores can no longer change"):
        draws.score_application(staff, round_.code, low.id, 40, 30, 30)
    assert _events("round.pool_frozen")


def test_the_draw_follows_the_domain_and_allocates_and_waitlists(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=4)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    draw = draws.run_round_draw(staff, round_.code, "07 12 19 28 33 41")
    expected = selection.run_draw(selection.manifest_from_json(draw.manifest_json), "07 12 19 28 33 41")
    assert draw.result_json == selection.result_json(expected, result_timeline(round_, draw))
    assert round_.status == "drawn" and set(draw.expected_rates) == {"first_timer"}
    allocations = db.session.scalars(select(Allocation).order_by(Allocation.rank)).all()
    assert len(allocations) == 3  # 150,000,000 of budget, 50,000,000 each
    assert [(a.application_id, a.institution.code) for a in allocations] == [
        (s.app_id, s.institution_code) for s in sorted(expected.selected, key=lambda s: s.rank)
    ]
    waitlisted = [a for a in round_.applications if a.status == "waitlisted"]
    assert [a.id for a in waitlisted] == list(expected.waitlist) and waitlisted[0].waitlist_position == 1
    with pytest.raises(RoundError, match="no second draw"):
        draws.run_round_draw(staff, round_.code, "another")
    assert len(_events("round.drawn")) == 1


def test_the_seed_is_stored_as_typed_there_is_no_generated_seed(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=1)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    with pytest.raises(SeedError, match="seed event's outcome"):
        draws.run_round_draw(staff, round_.code, "   ")
    assert round_.draw.seed is None
    draw = draws.run_round_draw(staff, round_.code, " 3 11 19 25 33 41 + 7 ")
    assert draw.seed == "3 11 19 25 33 41 + 7" and draw.seed_source == ""


def _published(make, rounds, clock, count=4, seed="07 12 19 28 33 41"):
    round_, staff, users = _closed_round(make, rounds, clock, count=count)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    with pytest.raises(RoundError, match="Only a drawn round"):
        draws.publish_round(staff, round_.code)
    clock.now = round_.seed_event_at
    draws.run_round_draw(staff, round_.code, seed)
    draws.publish_round(staff, round_.code)
    return round_, staff, users


def test_publication_sets_allocations_valid_for_a_year(app, make, rounds, clock):
    round_, staff, _ = _published(make, rounds, clock)
    assert round_.status == "published" and round_.draw.published_at == clock.now
    day = seoul_date(clock.now)
    assert {a.valid_until for a in db.session.scalars(select(Allocation))} == {day + timedelta(days=365)}
    assert _events("round.published")


def test_a_selected_withdrawal_passes_its_budget_to_the_first_waitlisted_that_fits(app, make, rounds, clock):
    round_, staff, users = _published(make, rounds, clock)
    by_company = {u.company_id: u for u in users}
    first = db.session.scalars(select(Allocation).order_by(Allocation.rank)).first()
    waiting = next(a for a in round_.applications if a.status == "waitlisted")
    user = by_company[first.application.company_id]
    promoted = apps.withdraw(user, first.application_id, "Plans changed")
    assert first.status == "withdrawn" and first.application.status == "withdrawn"
    assert promoted.application_id == waiting.id and promoted.via_waitlist
    assert promoted.institution_id == first.institution_id and waiting.status == "selected"
    assert promoted.valid_until == first.valid_until
    assert _events("allocation.withdrawn") and _events("allocation.refilled_from_waitlist")


def test_a_waitlisted_withdrawal_leaves_the_waitlist_and_nothing_is_promoted_later(app, make, rounds, clock):
    round_, staff, users = _published(make, rounds, clock)
    by_company = {u.company_id: u for u in users}
    waiting = next(a for a in round_.applications if a.status == "waitlisted")
    assert apps.withdraw(by_company[waiting.company_id], waiting.id, "Plans changed") is None
    first = db.session.scalars(select(Allocation).order_by(Allocation.rank)).first()
    assert apps.withdraw(by_company[first.application.company_id], first.application_id, "Plans changed") is None


def test_a_withdrawal_between_close_and_publication_is_refused(app, make, rounds, clock):
    round_, staff, users = _closed_round(make, rounds, clock, count=1)
    with pytest.raises(RoundError, match="being decided"):
        apps.withdraw(users[0], round_.applications[0].id, "Plans changed")


def test_verify_matches_and_detects_a_tampered_result(app, make, rounds, clock):
    round_, staff, _ = _published(make, rounds, clock)
    assert draws.verify_draw(round_.code).matches
    data = json.loads(round_.draw.result_json)
    data["waitlist"], data["selected"] = data["waitlist"][::-1], data["selected"][1:]
    round_.draw.result_json = json.dumps(data)
    db.session.commit()
    outcome = draws.verify_draw(round_.code)
    assert not outcome.matches and any("selected" in line for line in outcome.details)


def test_the_tier_table_counts_pool_and_selections(app, make, rounds, clock):
    round_, staff, _ = _published(make, rounds, clock)
    rows = {r.tier: r for r in draws.tier_table(round_)}
    assert rows["first_timer"].pool == 4 and rows["first_timer"].selected == 3
    assert rows["first_timer"].expected_rate == pytest.approx(0.75)
    assert rows["general"].pool == 0


def test_creating_a_round_checks_code_window_and_institutions(app, make):
    staff = make.user("ministry")
    OrderBuilders(make).mou(make.institution(code="KEPCO"), committed=5_000_000_000, actor=staff)
    settings = round_service.RoundSettings(
        code="2018-H2",
        title_ko="2018년 하반기",
        title_en="2018 H2",
        opens_at=OPENS,
        closes_at=CLOSES,
        cap_krw=300_000_000,
        pass_mark=70,
        budgets=[("KEPCO", 5_000_000_000)],
    )
    created = round_service.create_round(staff, settings)
    assert created.status == "draft" and created.budgets[0].budget_krw == 5_000_000_000
    with pytest.raises(DomainError, match="already exists"):
        round_service.create_round(staff, settings)
    from dataclasses import replace

    with pytest.raises(DomainError, match="Unknown institution code: NOPE"):
        round_service.create_round(staff, replace(settings, code="2019-H1", budgets=[("NOPE", 1)]))
    with pytest.raises(DomainError, match="open before it closes"):
        round_service.create_round(staff, replace(settings, code="2019-H1", opens_at=CLOSES))
    with pytest.raises(DomainError, match="more than its MOUs have left"):
        round_service.create_round(staff, replace(settings, code="2019-H1", budgets=[("KEPCO", 5_000_000_001)]))
    make.institution(code="NOMOU")
    with pytest.raises(DomainError, match="NOMOU"):
        round_service.create_round(staff, replace(settings, code="2019-H1", budgets=[("NOMOU", 1)]))
    assert _events("round.created")


def test_opening_is_guarded(app, make, rounds, clock):
    staff = make.user("ministry")
    round_ = rounds.round(status="draft", opens_at=OPENS, closes_at=CLOSES)
    round_service.open_round(staff, round_.code)
    assert round_.status == "open" and _events("round.opened")
    with pytest.raises(RoundError, match="Only a draft round"):
        round_service.open_round(staff, round_.code)


def test_an_application_id_of_another_round_cannot_be_scored(app, make, rounds, clock):
    round_, staff, _ = _closed_round(make, rounds, clock, count=1)
    other = rounds.round(opens_at=OPENS, closes_at=CLOSES)
    stray = rounds.application(other)
    with pytest.raises(RoundError, match="not part of round"):
        draws.score_application(staff, round_.code, stray.id, 1, 1, 1)
    assert isinstance(stray, Application)
