"""Sample MOUs for the 26 institutions and orders in every state (flask seed-demo), marked sample.

Runs after demo/base.py (institutions, buyers) and demo/rounds.py (the published 2018-H2 round).
Everything goes through the services, so the ledger, audit trail and balances are real. Idempotent:
MOUs are looked up by number, and orders are only created when no sample order exists yet.

MOU periods start in 2018 but run to the end of next year: certificates and selections of the sample
data are dated relative to today, and an order is only accepted on a day when all of them are valid.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..domain.clock import seoul_instant
from ..domain.errors import DomainError
from ..domain.states import AllocationStatus, InspectionResult, RoundStatus, UserRole
from ..extensions import db
from ..models import Allocation, Institution, Mou, Order, Round, User
from ..services import orders, quota
from ..services.clock import seoul_today

# KRW committed by the six institutions of the 2018 MOU: 43,000,000,000 in total.
FIRST_SIX = {
    "KEPCO": 12_000_000_000,
    "LH": 10_000_000_000,
    "EX": 7_000_000_000,
    "KRC": 5_000_000_000,
    "KWATER": 6_000_000_000,
    "KR": 3_000_000_000,
}
JOINED_AMOUNTS = (500_000_000, 1_000_000_000, 1_500_000_000, 2_000_000_000)
# The life of each sample order, cycled over the allocations.
STORIES = ("placed", "delivered", "accepted", "evaluated", "rejected", "cancelled", "evaluated", "placed")


def at_kst(day: date, hour: int = 10) -> datetime:
    return seoul_instant(day, time(hour))


def seed() -> list[str]:
    staff = db.session.scalar(select(User).where(User.email == "ministry@demo.example"))
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    lines = [_mous(staff, institutions)]
    lines.append(_orders())
    return [line for line in lines if line]


def _mous(staff: User | None, institutions: dict[str, Institution]) -> str:
    existing = set(db.session.scalars(select(Mou.number)))
    ends = date(seoul_today().year + 1, 12, 31)
    wanted = [(code, amount, date(2018, 3, 2)) for code, amount in FIRST_SIX.items()]
    wanted += [(f"INST{n:02d}", JOINED_AMOUNTS[n % len(JOINED_AMOUNTS)], date(2018, 8, 1)) for n in range(7, 27)]
    added = missing = 0
    for code, amount, signed in wanted:
        number = f"MOU-2018-{code}"
        if number in existing:
            continue
        institution = institutions.get(code)
        if institution is None:
            missing += 1
            continue
        quota.create_mou(staff, institution, quota.MouTerms(number, signed, signed, ends, amount), now=at_kst(signed))
        added += 1
    note = f", {missing} institutions missing (run demo/base first)" if missing else ""
    return f"orders: {added} MOUs added (first six total KRW {sum(FIRST_SIX.values()):,}){note}"


def _orders() -> str:
    if db.session.scalar(select(Order.id).where(Order.is_sample.is_(True)).limit(1)) is not None:
        return ""
    allocations = list(
        db.session.scalars(
            select(Allocation)
            .join(Allocation.round)
            .where(
                Round.code == "2018-H2",
                Round.status == RoundStatus.PUBLISHED,
                Allocation.status == AllocationStatus.ACTIVE,
            )
            .order_by(Allocation.rank, Allocation.id)
        )
    )
    if not allocations:
        return "orders: no allocations of a published 2018-H2 round yet, so no sample orders were created"
    today = seoul_today()
    made, skipped = 0, []
    for n, allocation in enumerate(allocations[: len(STORIES) * 3]):
        try:
            _story(allocation, STORIES[n % len(STORIES)], today - timedelta(days=60 - 2 * n), n)
            made += 1
        except DomainError as error:
            db.session.rollback()
            skipped.append(str(error))
    tail = f"; {len(skipped)} skipped ({skipped[0]})" if skipped else ""
    return f"orders: {made} sample orders in every state on 2018-H2 allocations{tail}"


def _story(allocation: Allocation, story: str, day: date, n: int) -> None:
    buyer = db.session.scalar(
        select(User)
        .where(User.institution_id == allocation.institution_id, User.role == UserRole.BUYER, User.active.is_(True))
        .order_by(User.id)
    )
    mou = db.session.scalar(select(Mou).where(Mou.institution_id == allocation.institution_id))
    if buyer is None or mou is None:
        raise DomainError("institution without a buyer or an MOU")
    product = allocation.application.product
    quantity = max(1, min(allocation.amount_krw // product.unit_price_krw // 3, 5 + n % 7))
    order = orders.record_pilot_purchase(
        buyer,
        orders.PurchaseInput(
            allocation_id=allocation.id,
            mou_id=mou.id,
            quantity=quantity,
            unit_price_krw=product.unit_price_krw,
            contract_method=("private_contract", "limited_tender", "shopping_mall")[n % 3],
            ordered_on=day,
            no_private_interest=True,
        ),
        now=at_kst(day),
    )
    order.is_sample = True
    db.session.commit()
    if story == "cancelled":
        orders.cancel(
            buyer,
            order.id,
            "샘플: 예산 재배정으로 취소 (sample: budget reassigned)",
            now=at_kst(day + timedelta(days=2)),
        )
        return
    if story == "placed":
        return
    orders.deliver(buyer, order.id, day + timedelta(days=1))
    if story == "delivered":
        return
    result = InspectionResult.REJECTED if story == "rejected" else InspectionResult.ACCEPTED
    note = (
        "샘플: 규격 불일치 (sample: specification mismatch)"
        if result == InspectionResult.REJECTED
        else "샘플: 이상 없음"
    )
    orders.inspect(buyer, order.id, result, note, day + timedelta(days=1))
    if story == "evaluated":
        scores = {"conformance": 4 + n % 2, "quality": 4, "delivery": 3 + n % 3, "support": 4, "overall": 4}
        orders.evaluate(buyer, order.id, scores, n % 4 != 1, "샘플 평가: 현장 적용 결과 양호 (sample evaluation)")
