"""flask draw verify holds the database's allocations, statuses and waitlist against the re-run draw."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Allocation, Application
from marketplace.services import applications as apps
from marketplace.services import draws
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.integration.test_rounds import _closed_round, _published, _score_all


@pytest.fixture
def rounds(make):
    return RoundBuilders(make)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2018, 8, 20), 10))


def _first_allocation() -> Allocation:
    return db.session.scalars(select(Allocation).order_by(Allocation.rank)).first()


def _waitlisted(round_) -> Application:
    return next(a for a in round_.applications if a.status == "waitlisted")


def _other_institution(round_, allocation):
    return next(b.institution for b in round_.budgets if b.institution_id != allocation.institution_id)


TAMPERINGS = {
    "institution": lambda r: setattr(_first_allocation(), "institution", _other_institution(r, _first_allocation())),
    "amount": lambda r: setattr(_first_allocation(), "amount_krw", _first_allocation().amount_krw + 1),
    "rank": lambda r: setattr(_first_allocation(), "rank", 99),
    "allocation-status": lambda r: setattr(_first_allocation(), "status", "withdrawn"),
    "selected-status": lambda r: setattr(_first_allocation().application, "status", "waitlisted"),
    "waitlist-position": lambda r: setattr(_waitlisted(r), "waitlist_position", 2),
    "waitlisted-status": lambda r: setattr(_waitlisted(r), "status", "selected"),
    "extra-allocation": lambda r: db.session.add(
        Allocation(
            round_id=r.id,
            application_id=_waitlisted(r).id,
            institution_id=r.budgets[0].institution_id,
            amount_krw=50_000_000,
            rank=4,
            valid_until=_first_allocation().valid_until,
        )
    ),
    "missing-allocation": lambda r: db.session.delete(_first_allocation()),
}
FIRST_DIFFERENCE = {
    "institution": "the re-run gives institution AAA",
    "amount": "amount 50,000,001",
    "rank": "rank 99",
    "allocation-status": "withdrawn",
    "selected-status": "the database says waitlisted",
    "waitlist-position": "waitlisted (waitlist position 2), the re-run gives waitlisted (waitlist position 1)",
    "waitlisted-status": "the database says selected (waitlist position 1), the re-run gives waitlisted",
    "extra-allocation": "the re-run gives no allocation",
    "missing-allocation": "the database has no allocation",
}


@pytest.mark.parametrize("tampering", TAMPERINGS, ids=list(TAMPERINGS))
def test_verify_names_the_first_database_row_that_differs_from_the_rerun(app, make, rounds, clock, tampering):
    round_, _staff, _users = _published(make, rounds, clock)
    assert draws.verify_draw(round_.code).matches
    TAMPERINGS[tampering](round_)
    db.session.commit()
    outcome = draws.verify_draw(round_.code)
    assert not outcome.matches
    assert len(outcome.details) == 1 and FIRST_DIFFERENCE[tampering] in outcome.details[0], outcome.details


def test_verify_replays_withdrawals_and_the_waitlist_refills_they_caused(app, make, rounds, clock):
    round_, _staff, users = _published(make, rounds, clock)
    owner = {u.company_id: u for u in users}
    first = _first_allocation()
    waiting = _waitlisted(round_)
    promoted = apps.withdraw(owner[first.application.company_id], first.application_id, "Plans changed")
    assert promoted.application_id == waiting.id
    assert draws.verify_draw(round_.code).matches
    apps.withdraw(owner[waiting.company_id], waiting.id, "Plans changed")  # the promoted one withdraws in turn
    assert draws.verify_draw(round_.code).matches
    promoted.via_waitlist = False
    db.session.commit()
    outcome = draws.verify_draw(round_.code)
    assert not outcome.matches and f"allocation of application {waiting.id}" in outcome.details[0]


def test_verify_notices_a_draw_time_changed_after_the_result_stated_it(app, make, rounds, clock):
    round_, _staff, _users = _published(make, rounds, clock)
    round_.draw.frozen_at = round_.seed_event_at  # as if frozen when the outcome was known
    db.session.commit()
    outcome = draws.verify_draw(round_.code)
    assert not outcome.matches and outcome.details[0].startswith("timeline: the stored result differs")


def test_flask_draw_verify_exits_non_zero_naming_the_first_difference(app, make, rounds, clock):
    round_, _staff, _users = _published(make, rounds, clock)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["draw", "verify", round_.code])
    assert ok.exit_code == 0 and "allocations, statuses and waitlist positions in the database" in ok.output
    allocation = _first_allocation()
    allocation.rank = 99
    db.session.commit()
    bad = runner.invoke(args=["draw", "verify", round_.code])
    assert bad.exit_code == 1 and bad.output.startswith(f"MISMATCH: round {round_.code}")
    assert f"allocation of application {allocation.application_id}: the database has" in bad.output


def _movable(round_):
    """An active allocation and an institution of the round it may move to (room, active, preferred)."""
    from marketplace.services import allocations

    for allocation in db.session.scalars(
        select(Allocation).where(Allocation.status == "active").order_by(Allocation.rank)
    ):
        targets = [t for t in allocations.move_targets(allocation) if t.allowed]
        if targets:
            return allocation, targets[0].institution
    raise AssertionError("no allocation of this round can move")


def test_verify_replays_the_ministrys_moves_and_names_a_moved_row_that_was_changed(app, make, rounds, clock):
    from marketplace.services import allocations

    budgets = [
        (make.institution(code=code), amount)
        for code, amount in (("AAA", 100_000_000), ("BBB", 50_000_000), ("CCC", 120_000_000))
    ]
    round_, staff, _users = _closed_round(make, rounds, clock, budgets=budgets)
    _score_all(staff, round_)
    draws.freeze_pool(staff, round_.code)
    clock.now = round_.seed_event_at
    draws.run_round_draw(staff, round_.code, "07 12 19 28 33 41")
    draws.publish_round(staff, round_.code)
    allocation, target = _movable(round_)
    new = allocations.move(staff, allocation.id, target.id, "The institution's need changed")
    assert draws.verify_draw(round_.code).matches, draws.verify_draw(round_.code).details
    new.institution_id = allocation.institution_id  # quietly moved back in the database
    db.session.commit()
    outcome = draws.verify_draw(round_.code)
    assert not outcome.matches and f"allocation of application {allocation.application_id}" in outcome.details[0]
    assert f"the re-run gives institution {target.code}" in outcome.details[0]
