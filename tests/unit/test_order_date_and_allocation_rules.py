"""Pure rules: contract dates against publication, allocation start and the late-registration limit; moving
and refilling allocations; promoting from the waitlist."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from marketplace.domain import allocations as a
from marketplace.domain import orders as o
from marketplace.domain import selection as s
from tests.unit.test_quota_and_order_rules import facts

TODAY = date(2018, 10, 2)


def messages(failures):
    return [f.message % f.params if f.params else f.message for f in failures]


def test_a_contract_date_before_the_publication_or_the_allocations_start_is_refused():
    assert o.placement_failures(facts(published_on=date(2018, 10, 1))) == []
    refused = messages(o.placement_failures(facts(ordered_on=date(2018, 9, 30), published_on=date(2018, 10, 1))))
    assert refused == ["The contract date cannot be before the round's publication on 2018-10-01."]
    refused = messages(o.placement_failures(facts(selection_valid_from=date(2018, 10, 2))))
    assert refused == [
        "The product was allocated to your institution on 2018-10-02: the contract date cannot be before that."
    ]


@pytest.mark.parametrize(
    "days,reason,late",
    [(30, "", False), (31, "", True), (31, "  ", True), (31, "papers came late", False), (0, "", False)],
)
def test_a_contract_date_beyond_the_limit_needs_a_reason(days, reason, late):
    ordered_on = date.fromordinal(TODAY.toordinal() - days)
    failures = o.placement_failures(
        facts(
            ordered_on=ordered_on, today=TODAY, late_limit_days=30, late_reason=reason, mou_starts_on=date(2018, 1, 1)
        )
    )
    assert [type(f) for f in failures] == ([o.LateReasonNeeded] if late else [])
    assert o.is_late_registration(ordered_on, TODAY, 30) == (days > 30)


def test_the_late_rule_names_the_days_and_the_limit_and_caps_the_reason():
    failure = o.placement_failures(facts(ordered_on=date(2018, 8, 23), today=TODAY, late_limit_days=30))[0]
    assert str(failure) == (
        "The contract date is 40 days back, more than 30 days before today: give the reason for the late registration."
    )
    too_long = o.placement_failures(facts(late_limit_days=30, late_reason="x" * (o.MAX_TEXT + 1)))
    assert [type(f) for f in too_long] == [o.InvalidOrderInput]
    assert not o.is_late_registration(date(2000, 1, 1), TODAY, None)


def test_a_moved_selection_is_named_as_moved():
    assert messages(o.placement_failures(facts(selection_active=False, selection_moved=True))) == [
        "The product's selection was moved to another institution."
    ]


MOVABLE = a.MoveFacts(
    round_published=True,
    allocation_active=True,
    open_orders=0,
    target_found=True,
    target_active=True,
    target_in_round=True,
    target_is_current=False,
    target_preferred=True,
    target_budget_left_krw=50,
    amount_krw=50,
)


@pytest.mark.parametrize(
    "change,fragment",
    [
        ({"round_published": False}, "after the round's result is published"),
        ({"allocation_active": False}, "Only an active allocation"),
        ({"open_orders": 2}, "2 orders rest on this allocation"),
        ({"target_found": False}, "Choose the institution"),
        ({"target_is_current": True}, "already belongs"),
        ({"target_in_round": False}, "takes part in the round"),
        ({"target_active": False}, "not active"),
        ({"target_preferred": False}, "asked for other institutions only"),
        ({"target_budget_left_krw": 49}, "49 won of its round budget left"),
    ],
)
def test_each_refused_move_says_why(change, fragment):
    assert a.move_failures(MOVABLE) == []
    assert any(fragment in m for m in messages(a.move_failures(replace(MOVABLE, **change))))


def test_a_change_needs_a_reason_and_a_refill_a_withdrawn_allocation_not_yet_refilled():
    with pytest.raises(a.AllocationChangeRefused, match="reason"):
        a.check_reason(" \n")
    with pytest.raises(a.AllocationChangeRefused, match="under"):
        a.check_reason("x" * (a.MAX_REASON + 1))
    ok = dict(round_published=True, allocation_withdrawn=True, already_refilled=False)
    assert a.refill_failure(**ok) is None
    assert "already given" in str(a.refill_failure(**{**ok, "already_refilled": True}))
    assert "Only a withdrawn" in str(a.refill_failure(**{**ok, "allocation_withdrawn": False}))


def test_the_first_waitlisted_application_that_fits_is_promoted_by_the_draws_rule():
    manifest = s.Manifest(
        "2018-H2",
        s.RULE_VERSION,
        (s.PoolInstitution("AAA", 100), s.PoolInstitution("BBB", 50)),
        (s.PoolApplication(1, 1, 50), s.PoolApplication(2, 1, 60), s.PoolApplication(3, 1, 40)),
    )
    drawn = s.run_draw(manifest, "seed")
    state = replace(drawn, selected=(), waitlist=(2, 3), remaining={"AAA": 50, "BBB": 50})
    after, promoted = s.promote_from_waitlist(manifest, state)
    assert (promoted.app_id, promoted.institution_code) == (3, "AAA")  # 2 (60) fits nowhere; 3 (40) fits
    assert after.waitlist == (2,) and after.remaining == {"AAA": 10, "BBB": 50}
    assert s.promote_from_waitlist(manifest, replace(state, waitlist=(2,)))[1] is None
    with pytest.raises(s.SelectionError):
        s.promote_from_waitlist(manifest, replace(state, manifest_sha256="0" * 64))
