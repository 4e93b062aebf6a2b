"""Sample orders in every state on the published sample round (flask seed-demo), marked sample.

Runs after demo/mous.py and demo/rounds.py. Everything goes through the services, so the ledger, audit
trail, balances and audit-relief certificates are real, and each step runs as at the moment it stands
for (demo/timeline.py): an order every two days from three days after publication, delivered the next
day, inspected the day after, evaluated the day after that; a few orders get their audit-relief
certificate (again after evaluation; a cancelled order's is revoked). The steps of all orders run in time
order, so the hash chains record them in that order. Idempotent: nothing when a sample order exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..domain.errors import DomainError
from ..domain.states import AllocationStatus, InspectionResult, UserRole
from ..extensions import db
from ..models import Allocation, Mou, Order, User
from ..models.types import as_at
from ..services import orders, relief_certificates
from ..services.clock import seoul_today
from .rounds import published_round
from .timeline import at_kst, story_for

# The life of each sample order, cycled over the allocations.
STORIES = ("placed", "delivered", "accepted", "evaluated", "rejected", "cancelled", "evaluated", "placed")
# Which stories include audit-relief certificates (for the first cycle only: each is a PDF to render).
WITH_CERTIFICATES = ("accepted", "evaluated", "cancelled")
ORDERS = len(STORIES) * 3


def seed() -> list[str]:
    if db.session.scalar(select(User.id).where(User.email == "ministry@demo.example")) is None:
        return ["orders: skipped (run the base demo data first)"]
    line = _orders()
    return [line] if line else []


@dataclass
class Life:
    """One sample order from placement on: its allocation, story, contract day and, once placed, its id."""

    allocation: Allocation
    story: str
    day: date
    n: int
    order_id: int | None = None
    failed: bool = False

    def steps(self) -> list[tuple[datetime, Callable[[], None]]]:
        """(moment, action) for each step of the story, in order."""
        d, story = self.day, self.story
        steps = [(at_kst(d), self.place)]
        certified = self.n < len(STORIES) and story in WITH_CERTIFICATES
        if certified and story != "accepted":
            steps.append((at_kst(d, 16), self.certify))
        if story == "cancelled":
            return [*steps, (at_kst(d + timedelta(days=2), 11), self.cancel)]
        if story != "placed":
            steps.append((at_kst(d + timedelta(days=1), 14), self.deliver))
        if story in ("accepted", "evaluated", "rejected"):
            steps.append((at_kst(d + timedelta(days=2), 15), self.inspect))
        if story == "evaluated":
            steps.append((at_kst(d + timedelta(days=3), 11), self.evaluate))
        if certified and story != "cancelled":
            steps.append((steps[-1][0] + timedelta(hours=1), self.certify))
        return steps

    def buyer(self) -> User:
        buyer = db.session.scalar(
            select(User)
            .where(
                User.institution_id == self.allocation.institution_id,
                User.role == UserRole.BUYER,
                User.active.is_(True),
            )
            .order_by(User.id)
            .limit(1)
        )
        if buyer is None:
            raise DomainError("institution without a buyer")
        return buyer

    def place(self) -> None:
        mou = db.session.scalar(select(Mou).where(Mou.institution_id == self.allocation.institution_id))
        if mou is None:
            raise DomainError("institution without an MOU")
        product, n = self.allocation.application.product, self.n
        quantity = max(1, min(self.allocation.amount_krw // product.unit_price_krw // 3, 5 + n % 7))
        order = orders.record_pilot_purchase(
            self.buyer(),
            orders.PurchaseInput(
                allocation_id=self.allocation.id,
                mou_id=mou.id,
                quantity=quantity,
                unit_price_krw=product.unit_price_krw,
                contract_method=("private_contract", "limited_tender", "shopping_mall")[n % 3],
                ordered_on=self.day,
                no_private_interest=True,
            ),
        )
        order.is_sample = True
        db.session.commit()
        self.order_id = order.id

    def certify(self) -> None:
        relief_certificates.issue(self.buyer(), self._id(), "ko")

    def cancel(self) -> None:
        orders.cancel(self.buyer(), self._id(), "샘플: 예산 재배정으로 취소 (sample: budget reassigned)")

    def deliver(self) -> None:
        orders.deliver(self.buyer(), self._id(), self.day + timedelta(days=1))

    def inspect(self) -> None:
        rejected = self.story == "rejected"
        result = InspectionResult.REJECTED if rejected else InspectionResult.ACCEPTED
        note = "샘플: 규격 불일치 (sample: specification mismatch)" if rejected else "샘플: 이상 없음"
        orders.inspect(self.buyer(), self._id(), result, note, self.day + timedelta(days=2))

    def evaluate(self) -> None:
        n = self.n
        scores = {"conformance": 4 + n % 2, "quality": 4, "delivery": 3 + n % 3, "support": 4, "overall": 4}
        orders.evaluate(
            self.buyer(), self._id(), scores, n % 4 != 1, "샘플 평가: 현장 적용 결과 양호 (sample evaluation)"
        )

    def _id(self) -> int:
        assert self.order_id is not None, "placed first"
        return self.order_id


def _orders() -> str:
    if db.session.scalar(select(Order.id).where(Order.is_sample.is_(True)).limit(1)) is not None:
        return ""
    round_ = published_round()
    story = story_for(seoul_today())
    allocations = (
        []
        if round_ is None
        else list(
            db.session.scalars(
                select(Allocation)
                .where(Allocation.round_id == round_.id, Allocation.status == AllocationStatus.ACTIVE)
                .order_by(Allocation.rank, Allocation.id)
            )
        )
    )
    if round_ is None or not allocations:
        return "orders: no allocations of a published sample round yet, so no sample orders were created"
    lives = [
        Life(allocation, STORIES[n % len(STORIES)], story.order_day(n), n)
        for n, allocation in enumerate(allocations[:ORDERS])
    ]
    skipped = _run_in_time_order(lives)
    made = sum(1 for life in lives if life.order_id is not None)
    tail = f"; {len(skipped)} steps skipped ({skipped[0]})" if skipped else ""
    return f"orders: {made} sample orders in every state on {round_.code} allocations{tail}"


def _run_in_time_order(lives: list[Life]) -> list[str]:
    """Run every step of every life in time order, each as at its moment; the failures' messages."""
    steps = sorted(
        ((moment, life, action) for life in lives for moment, action in life.steps()), key=lambda step: step[0]
    )
    skipped: list[str] = []
    for moment, life, action in steps:
        if life.failed:
            continue
        try:
            with as_at(moment):
                action()
        except DomainError as error:
            db.session.rollback()
            life.failed = True
            skipped.append(str(error))
    return skipped
