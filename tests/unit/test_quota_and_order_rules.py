"""The pure ledger and order rules, without a database."""

from datetime import date

import pytest

from marketplace.domain import orders as o
from marketplace.domain import quota as q


def test_remaining_is_the_sum_of_the_entries_and_the_summary_splits_it():
    entries = [
        q.Entry("commit", 100),
        q.Entry("charge", -30),
        q.Entry("amendment", -20),
        q.Entry("release", 10),
    ]
    assert q.remaining(entries) == 60
    assert q.summarize(entries) == q.Summary(committed=80, charged=20, remaining=60)


@pytest.mark.parametrize(
    "kind,amount", [("charge", 5), ("release", -5), ("commit", -1), ("amendment", 0), ("bonus", 1)]
)
def test_an_entry_with_the_wrong_sign_for_its_kind_is_refused(kind, amount):
    with pytest.raises(q.InvalidEntry):
        q.check_entry(kind, amount)


def test_a_charge_beyond_the_balance_is_refused():
    assert q.balance_after(10, "charge", -10) == 0
    with pytest.raises(q.QuotaExceeded):
        q.balance_after(10, "charge", -11)


def test_an_amendment_needs_a_reason_and_cannot_go_below_zero():
    q.check_amendment(50, 100, -50, "cut")
    with pytest.raises(q.AmendmentRefused):
        q.check_amendment(50, 100, -51, "cut")
    with pytest.raises(q.AmendmentRefused):
        q.check_amendment(50, 100, 10, " ")


def test_the_usage_series_is_cumulative_and_ends_at_the_summary():
    d = date(2018, 9, 1)
    entries = [
        q.Entry("commit", 100, d),
        q.Entry("charge", -30, date(2018, 9, 3)),
        q.Entry("charge", -10, date(2018, 9, 3)),
        q.Entry("release", 10, date(2018, 9, 5)),
    ]
    series = q.usage_series(entries)
    assert [(p.label, p.committed, p.charged) for p in series] == [
        ("2018-09-01", 100, 0),
        ("2018-09-03", 100, 40),
        ("2018-09-05", 100, 30),
    ]


def test_many_days_are_grouped_by_month():
    entries = [q.Entry("commit", 1000, date(2018, 1, 1))] + [
        q.Entry("charge", -1, date(2018, 1 + i // 28, 1 + i % 28)) for i in range(60)
    ]
    series = q.usage_series(entries)
    assert [p.label for p in series] == ["2018-01", "2018-02", "2018-03"]
    assert series[-1].charged == 60


def test_the_order_amount_is_recomputed_and_a_different_posted_amount_refused():
    assert o.order_amount(3, 1_000) == 3_000
    with pytest.raises(o.InvalidOrderInput):
        o.order_amount(3, 1_000, 2_999)
    with pytest.raises(o.InvalidOrderInput):
        o.order_amount(0, 1_000)
    with pytest.raises(o.InvalidOrderInput):
        o.order_amount(10**6, 10**12)


def test_an_order_number_carries_the_year_and_the_sequence():
    assert o.order_number(2018, 123) == "PO-2018-000123"


def facts(**kw):
    values = dict(
        ordered_on=date(2018, 10, 1),
        today=date(2018, 10, 2),
        buyer_institution_id=1,
        mou_institution_id=1,
        institution_active=True,
        round_published=True,
        selection_active=True,
        selection_valid_until=None,
        allocation_institution_id=1,
        allocation_remaining_krw=100,
        certificate_valid=True,
        mou_starts_on=date(2018, 1, 1),
        mou_ends_on=date(2018, 12, 31),
        remaining_krw=100,
        amount_krw=100,
        contract_method="private_contract",
        no_private_interest=True,
    )
    values.update(kw)
    return o.PlacementFacts(**values)


def test_a_valid_placement_has_no_failures():
    assert o.placement_failures(facts()) == []


@pytest.mark.parametrize(
    "change,fragment",
    [
        ({"buyer_institution_id": 2}, "own institution"),
        ({"round_published": False}, "not been published"),
        ({"selection_active": False}, "withdrawn"),
        ({"selection_valid_until": date(2018, 9, 30)}, "valid until"),
        ({"certificate_valid": False}, "No certificate"),
        ({"mou_ends_on": date(2018, 9, 30)}, "MOU is not active"),
        ({"amount_krw": 101}, "remaining quota"),
        ({"amount_krw": 101, "remaining_krw": 500}, "left of the allocation"),
        ({"allocation_institution_id": 2}, "selected for another institution"),
        ({"no_private_interest": False}, "private interest"),
        ({"ordered_on": date(2018, 10, 3)}, "future"),
        ({"contract_method": "bribe"}, "contract method"),
    ],
)
def test_each_failed_placement_check_is_reported(change, fragment):
    failures = o.placement_failures(facts(**change))
    assert len(failures) >= 1 and any(fragment in f.message for f in failures)


@pytest.mark.parametrize(
    "action,allowed",
    [
        ("deliver", {"placed"}),
        ("inspect", {"delivered"}),
        ("evaluate", {"inspected"}),
        ("cancel", {"placed", "delivered", "inspected"}),
    ],
)
def test_transitions_are_guarded(action, allowed):
    for status in o.STATUSES:
        if status in allowed:
            o.check_transition(action, status)
        else:
            with pytest.raises(o.InvalidTransition):
                o.check_transition(action, status)


def test_evaluations_need_accepted_goods_and_scores_from_1_to_5():
    good = dict(conformance=5, quality=4, delivery=3, support=2, overall=1)
    o.check_evaluation(good, "accepted", "")
    with pytest.raises(o.InvalidTransition):
        o.check_evaluation(good, "rejected", "")
    with pytest.raises(o.InvalidOrderInput):
        o.check_evaluation({**good, "quality": 6}, "accepted", "")


def test_a_pending_new_draw_of_the_track_holds_orders_with_its_reason():
    failures = o.placement_failures(facts(redraw_pending=True))
    assert [str(f) for f in failures][:1] == [
        "A new draw of this selection's track, the remedy of an upheld objection, is waiting for its seed event: "
        "orders on the track wait until it has run."
    ]
