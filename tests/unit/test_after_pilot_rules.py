"""Follow-on purchase rules, the follow-on rate, and the corrective-action state machine, without a database."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest

from marketplace.domain import corrective_actions as ca
from marketplace.domain.follow_ons import (
    FollowOnFacts,
    FollowOnRefused,
    PilotOutcome,
    check_follow_on,
    follow_on_rate,
    follow_on_rates,
    is_completed_pilot,
)
from marketplace.domain.states import CorrectiveActionState as State

PILOT_DAY = date(2018, 10, 5)
TODAY = date(2018, 12, 1)


def facts(**changes) -> FollowOnFacts:
    values = dict(
        pilot_status="evaluated",
        pilot_inspection_result="accepted",
        pilot_ordered_on=PILOT_DAY,
        contracted_on=PILOT_DAY,
        today=TODAY,
        quantity=1,
        amount_krw=1,
        contract_method="general_tender",
        reference="C-1",
    )
    return FollowOnFacts(**(values | changes))


@pytest.mark.parametrize("day", [PILOT_DAY, TODAY, PILOT_DAY + timedelta(days=1)])
def test_a_contract_date_from_the_pilot_orders_date_to_today_is_accepted(day):
    check_follow_on(facts(contracted_on=day))


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"contracted_on": PILOT_DAY - timedelta(days=1)}, "before the pilot order"),
        ({"contracted_on": TODAY + timedelta(days=1)}, "future"),
        ({"pilot_status": "placed", "pilot_inspection_result": None}, "accepted at inspection"),
        ({"pilot_status": "inspected", "pilot_inspection_result": "rejected"}, "accepted at inspection"),
        ({"pilot_status": "cancelled", "pilot_inspection_result": "rejected"}, "accepted at inspection"),
        ({"quantity": 0}, "quantity"),
        ({"amount_krw": 0}, "1 won or more"),
        ({"contract_method": "bribe"}, "contract method"),
        ({"reference": "   "}, "reference"),
        ({"reference": "x" * 51}, "reference"),
    ],
)
def test_a_follow_on_purchase_breaking_a_rule_is_refused(changes, message):
    with pytest.raises(FollowOnRefused, match=message):
        check_follow_on(facts(**changes))


def test_only_accepted_goods_make_a_completed_pilot():
    assert is_completed_pilot("inspected", "accepted") and is_completed_pilot("evaluated", "accepted")
    assert not is_completed_pilot("inspected", "rejected") and not is_completed_pilot("delivered", None)


def test_the_follow_on_rate_counts_each_product_once():
    outcomes = [
        PilotOutcome("A", 1, False),
        PilotOutcome("A", 1, True),  # bought again after its second pilot order
        PilotOutcome("A", 2, False),
        PilotOutcome("B", 2, True),
        PilotOutcome("B", 3, False),
        PilotOutcome("B", 4, False),
    ]
    overall = follow_on_rate(outcomes)
    assert (overall.pilot_products, overall.bought_again, overall.pct) == (4, 2, 50.0)
    rates = follow_on_rates(outcomes)
    assert {k: (r.pilot_products, r.bought_again) for k, r in rates.items()} == {"A": (2, 1), "B": (3, 1)}
    assert round(rates["B"].pct, 4) == 33.3333
    assert follow_on_rate([]).pct == 0.0


# --- the corrective-action state machine ---------------------------------------------------------

EXPECTED = {
    ("submit_plan", State.OPENED): State.PLAN_SUBMITTED,
    ("submit_plan", State.REJECTED): State.PLAN_SUBMITTED,
    ("accept", State.PLAN_SUBMITTED): State.ACCEPTED,
    ("reject", State.PLAN_SUBMITTED): State.REJECTED,
    ("close", State.OPENED): State.CLOSED,
    ("close", State.PLAN_SUBMITTED): State.CLOSED,
    ("close", State.REJECTED): State.CLOSED,
}


@pytest.mark.parametrize("action,state", list(product(ca.TRANSITIONS, State)))
def test_each_action_leads_where_the_table_says_from_each_state_and_is_refused_elsewhere(action, state):
    if (action, state) in EXPECTED:
        assert ca.transition(action, state, "a reason") == EXPECTED[(action, state)]
        assert ca.may(action, state)
    else:
        with pytest.raises(ca.CorrectiveActionRefused):
            ca.transition(action, state, "a reason")
        assert not ca.may(action, state)


def test_accepted_and_closed_are_final_and_the_only_states_that_do_not_block():
    assert {State.ACCEPTED, State.CLOSED} == ca.RESOLVED
    for state in ca.RESOLVED:
        assert not any(ca.may(action, state) for action in ca.TRANSITIONS)
        assert not ca.blocks_applications(state)
    assert all(ca.blocks_applications(s) for s in (State.OPENED, State.PLAN_SUBMITTED, State.REJECTED))


def test_rejecting_or_closing_needs_a_reason_accepting_does_not():
    for action in ("reject", "close"):
        with pytest.raises(ca.CorrectiveActionRefused, match="reason"):
            ca.transition(action, State.PLAN_SUBMITTED, " ")
    assert ca.transition("accept", State.PLAN_SUBMITTED, "") == State.ACCEPTED
    with pytest.raises(ca.CorrectiveActionRefused):
        ca.transition("approve", State.PLAN_SUBMITTED)


def test_a_plan_is_due_after_today():
    assert ca.check_plan("  fix it ", TODAY + timedelta(days=1), TODAY) == "fix it"
    with pytest.raises(ca.CorrectiveActionRefused, match="after today"):
        ca.check_plan("fix it", TODAY, TODAY)
    with pytest.raises(ca.CorrectiveActionRefused):
        ca.check_plan("x" * (ca.MAX_TEXT + 1), TODAY + timedelta(days=1), TODAY)


@pytest.mark.parametrize("overall,opens", [(1, True), (2, True), (3, False), (5, False)])
def test_an_overall_score_under_the_default_threshold_needs_a_corrective_action(overall, opens):
    assert ca.needs_corrective_action(overall, ca.DEFAULT_SCORE_THRESHOLD) is opens
