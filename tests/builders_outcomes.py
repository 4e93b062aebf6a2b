"""A published round with everything that can happen after its result: the committee's minutes finalised, an
objection upheld and remedied by a reinstatement (result version 2), a pilot order bought again (a follow-on
purchase of 3,000,000 won) and an order whose goods were rejected (an open corrective action)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace.domain.hashing import canonical_json, sha256_hex
from marketplace.domain.states import AllocationStatus
from marketplace.extensions import db
from marketplace.models import Allocation, CorrectiveAction, FollowOnPurchase, Objection, Order
from marketplace.services import allocations, corrective_actions, follow_ons, objection_remedies, objections, orders
from marketplace.services.audit import record_event
from tests import clock
from tests.builders_allocations import AllocationWorld, build
from tests.builders_orders import OrderBuilders

FOLLOW_ON_KRW = 3_000_000


@dataclass
class Outcomes:
    world: AllocationWorld
    digest: str
    objection: Objection
    bought: Order
    purchase: FollowOnPurchase
    rejected: Order
    action: CorrectiveAction


def finalise_minutes(world: AllocationWorld) -> str:
    """The round's committee minutes finalised: stored canonical with their hash, then the event
    (what committee.finalise_scores ends with; tests/integration/test_committee.py covers how they are made)."""
    round_ = world.round
    round_.minutes_json = canonical_json({"members": ["평가위원 가"], "applications": []})
    round_.minutes_sha256 = sha256_hex(round_.minutes_json)
    round_.scores_finalised_at = round_.closed_at or round_.created_at
    record_event(world.staff, "committee.finalised", round_, after={"minutes_sha256": round_.minutes_sha256})
    db.session.commit()
    return round_.minutes_sha256


def reinstated_objection(world: AllocationWorld) -> Objection:
    """W objects, staff uphold it, budget moves, and W is reinstated from the waitlist (result version 2)."""
    owner = world.suppliers[world.w.id]
    objection = objections.file_objection(owner, world.w.id, "AAA had room", [], max_bytes=10)
    objections.decide(world.staff, objection.id, True, "The waitlist was applied wrongly.")
    allocations.move(world.staff, world.s1.id, world.bbb.id, "BBB's budget suits S1")
    objection_remedies.reinstate(world.staff, objection.id, "Reinstated from the waitlist")
    return objection


def completed(buyer, order: Order, result: str, note: str = "") -> Order:
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, result, note, clock.today())
    return order


def build_outcomes(make) -> Outcomes:
    world = build(make, published_days_ago=1)
    digest = finalise_minutes(world)
    objection = reinstated_objection(world)
    ob = OrderBuilders(make)
    moved = db.session.scalars(
        select(Allocation).where(
            Allocation.application_id == world.s1.application_id, Allocation.status == AllocationStatus.ACTIVE
        )
    ).one()
    buyer_b, buyer_a = world.buyers["BBB"], world.buyers["AAA"]
    bought = completed(buyer_b, ob.order(buyer_b, moved, world.mous["BBB"], quantity=2), "accepted")
    follow_on = follow_ons.FollowOnInput(
        contracted_on=clock.today(),
        quantity=3,
        amount_krw=FOLLOW_ON_KRW,
        contract_method="private_contract",
        reference="FO-1",
    )
    purchase = follow_ons.record_follow_on(buyer_b, bought.id, follow_on)
    reinstated = db.session.get(Allocation, objection.allocation_id)
    rejected = ob.order(buyer_a, reinstated, world.mous["AAA"], quantity=1)
    completed(buyer_a, rejected, "rejected", "scratched casing")
    action = corrective_actions.action_of_order(rejected.id)
    return Outcomes(world, digest, objection, bought, purchase, rejected, action)
