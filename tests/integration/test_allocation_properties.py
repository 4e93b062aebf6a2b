"""Random sequences of orders, cancellations and allocation moves, through the real services: an allocation's
ordered amount stays between zero and its amount and equals its orders that are not cancelled, and every MOU's
balance equals the sum of its ledger entries; each step is accepted exactly when the rules say so."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Allocation, Mou, Order, QuotaEntry
from marketplace.services import allocations, orders
from tests.builders_orders import OrderBuilders

UNIT = 1_000_000
SIDES = ("A", "B")


def make_machine(make):
    builders = OrderBuilders(make)
    staff = make.user("ministry")

    class AllocationLedger(RuleBasedStateMachine):
        """The model: each allocation's side, amount and status, each order's amount and state, the budgets."""

        def __init__(self):
            super().__init__()
            self.buyers = {side: make.user("buyer") for side in SIDES}
            self.institutions = {side: self.buyers[side].institution for side in SIDES}
            self.mous = {
                side: builders.mou(self.institutions[side], committed=25 * UNIT, actor=staff).id for side in SIDES
            }
            self.committed = {side: 25 * UNIT for side in SIDES}
            self.budgets = {"A": 24 * UNIT, "B": 18 * UNIT}
            round_ = builders.published_round(budgets=[(self.institutions[s], self.budgets[s]) for s in SIDES])
            self.allocations = {}  # id -> [side, amount, status]
            for side, units in (("A", 8), ("A", 12), ("B", 10)):
                row = builders.allocation(self.institutions[side], round_=round_, amount=units * UNIT)
                self.allocations[row.id] = [side, units * UNIT, "active"]
            self.orders = {}  # id -> [allocation id, side, amount, cancelled]

        def ordered(self, allocation_id: int) -> int:
            return sum(o[2] for o in self.orders.values() if o[0] == allocation_id and not o[3])

        def charged(self, side: str) -> int:
            return sum(o[2] for o in self.orders.values() if o[1] == side and not o[3])

        def budget_left(self, side: str) -> int:
            active = (a[1] for a in self.allocations.values() if a[0] == side and a[2] == "active")
            return self.budgets[side] - sum(active)

        @rule(data=st.data(), side=st.sampled_from(SIDES), quantity=st.integers(1, 9))
        def place(self, data, side, quantity):
            """Mostly the buyer's own active allocation and MOU; now and then another's, to be refused."""
            own = sorted(i for i, (s, _, status) in self.allocations.items() if s == side and status == "active")
            every = st.sampled_from(sorted(self.allocations))
            allocation_id = data.draw(st.sampled_from(own) | every if own else every)
            mou_side = data.draw(st.sampled_from((side, side, side, "B" if side == "A" else "A")))
            owner, amount, status = self.allocations[allocation_id]
            expected = (
                status == "active"
                and owner == side
                and mou_side == side
                and quantity * UNIT <= amount - self.ordered(allocation_id)
                and quantity * UNIT <= self.committed[side] - self.charged(side)
            )
            mou = db.session.get(Mou, self.mous[mou_side])
            try:
                order = orders.record_pilot_purchase(
                    self.buyers[side],
                    builders.purchase(
                        db.session.get(Allocation, allocation_id), mou, quantity=quantity, unit_price=UNIT
                    ),
                )
            except DomainError:
                db.session.rollback()
                assert not expected, "an order the rules allow was refused"
                return
            assert expected, "an order the rules refuse was accepted"
            self.orders[order.id] = [allocation_id, side, quantity * UNIT, False]

        @precondition(lambda self: self.orders)
        @rule(data=st.data())
        def cancel(self, data):
            order_id = data.draw(st.sampled_from(sorted(self.orders)))
            allocation_id, side, amount, cancelled = self.orders[order_id]
            try:
                orders.cancel(self.buyers[side], order_id, "changed our mind")
            except DomainError:
                assert cancelled
                return
            assert not cancelled
            self.orders[order_id][3] = True

        @rule(data=st.data(), to=st.sampled_from(SIDES))
        def move(self, data, to):
            """Mostly an active allocation no order rests on; now and then any, to be refused."""
            free = sorted(i for i, a in self.allocations.items() if a[2] == "active" and not self.ordered(i))
            every = st.sampled_from(sorted(self.allocations))
            allocation_id = data.draw(st.sampled_from(free) | every if free else every)
            side, amount, status = self.allocations[allocation_id]
            expected = (
                status == "active"
                and side != to
                and self.ordered(allocation_id) == 0
                and self.budget_left(to) >= amount
            )
            try:
                new = allocations.move(staff, allocation_id, self.institutions[to].id, "rebalancing")
            except DomainError:
                db.session.rollback()
                assert not expected, "a move the rules allow was refused"
                return
            assert expected, "a move the rules refuse was accepted"
            self.allocations[allocation_id][2] = "moved"
            self.allocations[new.id] = [to, amount, "active"]

        @invariant()
        def every_allocation_counts_exactly_its_live_orders(self):
            db.session.expire_all()
            live = dict(
                db.session.execute(
                    select(Order.allocation_id, func.sum(Order.amount_krw))
                    .where(Order.allocation_id.in_(list(self.allocations)), Order.status != "cancelled")
                    .group_by(Order.allocation_id)
                ).all()
            )
            for row in db.session.scalars(select(Allocation).where(Allocation.id.in_(list(self.allocations)))):
                assert 0 <= row.ordered_krw <= row.amount_krw
                assert row.ordered_krw == (live.get(row.id) or 0) == self.ordered(row.id)
                assert (row.status, row.institution_id) == (
                    self.allocations[row.id][2],
                    self.institutions[self.allocations[row.id][0]].id,
                )

        @invariant()
        def every_mou_balance_is_the_sum_of_its_ledger(self):
            for side, mou_id in self.mous.items():
                balance = db.session.scalar(select(Mou.balance_krw).where(Mou.id == mou_id))
                total = db.session.scalar(select(func.sum(QuotaEntry.amount_krw)).where(QuotaEntry.mou_id == mou_id))
                assert balance == total == self.committed[side] - self.charged(side) >= 0

    return AllocationLedger


def test_random_orders_cancellations_and_moves_keep_allocations_and_quotas_true(app, make):
    run_state_machine_as_test(
        make_machine(make),
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
