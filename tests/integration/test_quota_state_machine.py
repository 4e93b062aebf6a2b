"""Random sequences of place / cancel / amend / deliver keep the quota ledger consistent after every step."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Mou, Order, QuotaEntry
from marketplace.services import orders, quota
from tests import clock
from tests.builders_orders import OrderBuilders

UNIT = 1_000


def make_machine(builders: OrderBuilders, staff):
    class QuotaLedger(RuleBasedStateMachine):
        """The model: committed amount and each order's status; the database must agree with it."""

        def __init__(self):
            super().__init__()
            self.buyer, mou, self.allocation = builders.setup(committed=20 * UNIT, unit_price=UNIT)
            self.mou_id = mou.id
            self.committed = 20 * UNIT
            self.orders: dict[int, tuple[int, str]] = {}  # id -> (amount, status)

        def remaining(self) -> int:
            charged = sum(amount for amount, status in self.orders.values() if status != "cancelled")
            return self.committed - charged

        @rule(quantity=st.integers(min_value=1, max_value=12))
        def place(self, quantity):
            amount = quantity * UNIT
            mou = db.session.get(Mou, self.mou_id)
            try:
                order = orders.record_pilot_purchase(
                    self.buyer, builders.purchase(self.allocation, mou, quantity=quantity, unit_price=UNIT)
                )
            except DomainError:
                db.session.rollback()
                assert amount > self.remaining(), "an order the quota covered was refused"
                return
            assert amount <= self.remaining(), "an order beyond the quota was accepted"
            self.orders[order.id] = (amount, "placed")

        def _pick(self, data, statuses):
            ids = sorted(i for i, (_, s) in self.orders.items() if s in statuses)
            return data.draw(st.sampled_from(ids)) if ids else None

        @precondition(lambda self: self.orders)
        @rule(data=st.data())
        def cancel(self, data):
            order_id = data.draw(st.sampled_from(sorted(self.orders)))
            amount, status = self.orders[order_id]
            try:
                orders.cancel(self.buyer, order_id, "changed our mind")
            except DomainError:
                assert status in ("cancelled", "evaluated")
                return
            assert status in ("placed", "delivered", "inspected")
            self.orders[order_id] = (amount, "cancelled")

        @precondition(lambda self: self.orders)
        @rule(data=st.data())
        def deliver(self, data):
            order_id = data.draw(st.sampled_from(sorted(self.orders)))
            amount, status = self.orders[order_id]
            try:
                orders.deliver(self.buyer, order_id, clock.today())
            except DomainError:
                assert status != "placed"
                return
            assert status == "placed"
            self.orders[order_id] = (amount, "delivered")

        @rule(delta=st.integers(min_value=-25, max_value=25).filter(bool))
        def amend(self, delta):
            change = delta * UNIT
            try:
                quota.amend_mou(staff, self.mou_id, change, "rebalancing")
            except DomainError:
                db.session.rollback()
                assert self.remaining() + change < 0
                return
            assert self.remaining() + change >= 0
            self.committed += change

        @invariant()
        def the_ledger_agrees_with_the_balance_and_the_model(self):
            mou = db.session.get(Mou, self.mou_id)
            db.session.refresh(mou)
            entries = db.session.execute(
                select(QuotaEntry.kind, QuotaEntry.amount_krw, QuotaEntry.balance_after)
                .where(QuotaEntry.mou_id == self.mou_id)
                .order_by(QuotaEntry.id)
            ).all()
            running = 0
            for kind, amount, balance_after in entries:
                running += amount
                assert balance_after == running >= 0
                assert {
                    "commit": amount >= 0,
                    "amendment": amount != 0,
                    "charge": amount < 0,
                    "release": amount > 0,
                }[kind]
            assert running == mou.balance_krw == self.remaining() >= 0
            assert mou.committed_krw == self.committed
            figures = quota.figures_for([mou])[0].summary
            assert (figures.committed, figures.remaining) == (self.committed, self.remaining())
            live = db.session.scalar(
                select(func.coalesce(func.sum(Order.amount_krw), 0)).where(
                    Order.mou_id == self.mou_id, Order.status != "cancelled"
                )
            )
            assert figures.charged == live

    return QuotaLedger


def test_random_order_sequences_keep_the_ledger_invariants(app, make):
    machine = make_machine(OrderBuilders(make), make.user("ministry"))
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
