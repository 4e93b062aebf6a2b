"""The ministry moves allocations and refills withdrawn ones from the waitlist: rules, audit, order history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.domain.allocations import AllocationChangeRefused
from marketplace.domain.orders import PlacementRefused
from marketplace.extensions import db
from marketplace.models import Allocation, AllocationChange, AuditEvent, Order
from marketplace.services import allocations, orders, purchases
from marketplace.services import applications as apps
from marketplace.services.purchases import PurchaseUnavailable
from tests.builders_allocations import MILLION, build
from tests.builders_orders import OrderBuilders


@pytest.fixture
def world(app, make):
    return build(make)


def place(make, world, code, allocation, **kw):
    return OrderBuilders(make).order(world.buyers[code], allocation, world.mous[code], **kw)


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_an_allocation_on_which_an_order_rests_does_not_move_until_the_order_is_cancelled(world, make, today):
    order = place(make, world, "AAA", world.s1, quantity=5)
    with pytest.raises(AllocationChangeRefused, match="1 orders rest on this allocation"):
        allocations.move(world.staff, world.s1.id, world.bbb.id, "AAA cannot use it")
    orders.cancel(world.buyers["AAA"], order.id, "Wrong product")
    moved = allocations.move(world.staff, world.s1.id, world.bbb.id, "  AAA cannot use it ")
    db.session.expire_all()
    old = db.session.get(Allocation, world.s1.id)
    assert old.status == "moved" and old.institution_id == world.aaa.id
    assert (moved.institution_id, moved.amount_krw, moved.valid_from, moved.valid_until) == (
        world.bbb.id,
        50 * MILLION,
        today,
        old.valid_until,
    )
    assert db.session.get(Order, order.id).allocation_id == old.id  # the history keeps its allocation
    change = db.session.scalar(select(AllocationChange))
    assert (change.kind, change.from_allocation_id, change.to_allocation_id, change.reason, change.actor_id) == (
        "moved",
        old.id,
        moved.id,
        "AAA cannot use it",
        world.staff.id,
    )
    event = events("allocation.moved")[0]
    assert event.reason == "AAA cannot use it" and event.before["institution"] == "AAA"
    assert event.after == {"allocation_id": moved.id, "institution": "BBB", "amount_krw": 50 * MILLION}


def test_after_a_move_only_the_new_institution_buys_and_not_before_the_move_day(world, make, today):
    moved = allocations.move(world.staff, world.s1.id, world.bbb.id, "AAA has no need")
    with pytest.raises(PurchaseUnavailable, match="moved to another institution"):
        purchases.purchase_context(world.buyers["AAA"], world.s1.id)
    with pytest.raises(PlacementRefused, match="moved to another institution"):
        place(make, world, "AAA", world.s1)
    with pytest.raises(PlacementRefused, match="allocated to your institution on"):
        place(make, world, "BBB", moved, ordered_on=today - timedelta(days=1))
    assert place(make, world, "BBB", moved, quantity=3).allocation_id == moved.id


@pytest.mark.parametrize(
    "target,message",
    [
        ("AAA", "already belongs to this institution"),
        ("outsider", "takes part in the round"),
        ("suspended", "not active in the program"),
        (None, "Choose the institution"),
    ],
)
def test_a_move_goes_only_to_another_active_institution_of_the_round(world, make, target, message):
    institutions = {"AAA": world.aaa, "outsider": make.institution()}
    if target == "suspended":
        world.bbb.status = "suspended"
        db.session.commit()
        institutions["suspended"] = world.bbb
    institution_id = institutions[target].id if target else None
    with pytest.raises(AllocationChangeRefused, match=message):
        allocations.move(world.staff, world.s1.id, institution_id, "reason")
    assert db.session.scalar(select(func.count(AllocationChange.id))) == 0


def test_a_move_needs_a_reason_and_room_in_the_targets_round_budget(world):
    with pytest.raises(AllocationChangeRefused, match="reason"):
        allocations.move(world.staff, world.s1.id, world.bbb.id, "   ")
    budget = next(b for b in world.round.budgets if b.institution_id == world.bbb.id)
    budget.budget_krw = 40 * MILLION
    db.session.commit()
    with pytest.raises(AllocationChangeRefused, match="40,000,000 won of its round budget left"):
        allocations.move(world.staff, world.s1.id, world.bbb.id, "BBB wants it")
    assert [t.allowed for t in allocations.move_targets(world.s1)] == [False]


def test_a_move_goes_only_to_an_institution_the_supplier_asked_for(world):
    world.s1.application.preferred = [world.aaa]
    db.session.commit()
    with pytest.raises(AllocationChangeRefused, match="asked for other institutions only"):
        allocations.move(world.staff, world.s1.id, world.bbb.id, "BBB wants it")
    assert db.session.get(Allocation, world.s1.id).status == "active"


def test_only_the_active_allocation_can_move(world):
    with pytest.raises(AllocationChangeRefused, match="Only an active allocation"):
        allocations.move(world.staff, world.s2.id, world.aaa.id, "withdrawn one")


def test_a_withdrawn_budget_no_one_fitted_is_refilled_by_the_ministry_once_budget_moved(world, today):
    with pytest.raises(AllocationChangeRefused, match="No waitlisted application fits"):
        allocations.refill(world.staff, world.s2.id, "try now")
    allocations.move(world.staff, world.s1.id, world.bbb.id, "AAA's need moved to BBB")  # AAA: 100,000,000 left
    refusal, candidate, institution = allocations.refill_preview(world.s2)
    assert refusal is None and (candidate.id, institution.code) == (world.w.id, "AAA")
    new = allocations.refill(world.staff, world.s2.id, "W fits at AAA now")
    assert (new.application_id, new.institution_id, new.amount_krw, new.via_waitlist, new.valid_from) == (
        world.w.id,
        world.aaa.id,
        60 * MILLION,
        True,
        today,
    )
    assert world.w.status == "selected" and world.w.waitlist_position is None
    with pytest.raises(AllocationChangeRefused, match="already given to the waitlist"):
        allocations.refill(world.staff, world.s2.id, "again")
    with pytest.raises(AllocationChangeRefused, match="Only a withdrawn allocation"):
        allocations.refill(world.staff, world.s1.id, "not withdrawn")
    kinds = [(c.kind, c.reason) for c in allocations.changes_of(world.round.id)]
    assert kinds == [("moved", "AAA's need moved to BBB"), ("refilled", "W fits at AAA now")]
    assert events("allocation.refilled_from_waitlist")[0].actor_id == world.staff.id


def test_a_suppliers_withdrawal_refill_is_listed_as_a_change_without_an_actor(world):
    supplier = world.suppliers[world.s1.application_id]
    promoted = apps.withdraw(supplier, world.s1.application_id, "Plans changed")  # AAA 100,000,000 free: W takes it
    assert promoted.application_id == world.w.id and promoted.valid_from is not None
    change = allocations.changes_of(world.round.id)[0]
    assert (change.kind, change.from_allocation_id, change.to_allocation_id, change.actor, change.reason) == (
        "refilled",
        world.s1.id,
        promoted.id,
        None,
        "",
    )
    assert world.s1.id in allocations.changed_from(world.round.id)


def test_the_round_pages_read_the_changes_in_one_query(world, make):
    from sqlalchemy import event

    allocations.move(world.staff, world.s1.id, world.bbb.id, "one")
    allocations.refill(world.staff, world.s2.id, "two")
    round_id = world.round.id
    db.session.expire_all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        changes = allocations.changes_of(round_id)
        names = [
            (
                c.from_allocation.institution.code,
                c.to_allocation.institution.code,
                c.to_allocation.application.product.name_ko,
                c.actor.name if c.actor else "",
            )
            for c in changes
        ]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(names) == 2 and len([s for s in statements if s.startswith("SELECT")]) == 1
