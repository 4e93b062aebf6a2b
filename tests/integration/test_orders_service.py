"""Placing orders against the quota, moving them on, and the ledger that records it all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.domain.errors import NotFound
from marketplace.domain.orders import InvalidOrderInput, InvalidTransition, PlacementRefused
from marketplace.domain.quota import AmendmentRefused, QuotaExceeded
from marketplace.extensions import db
from marketplace.models import Allocation, AuditEvent, Mou, Order, QuotaEntry
from marketplace.services import orders, purchases, quota
from tests import clock
from tests.builders_orders import OrderBuilders


@pytest.fixture
def ob(make):
    return OrderBuilders(make)


def ledger_matches(mou_id: int) -> bool:
    mou = db.session.get(Mou, mou_id)
    db.session.refresh(mou)
    last = db.session.scalar(select(QuotaEntry).where(QuotaEntry.mou_id == mou_id).order_by(QuotaEntry.id.desc()))
    return quota.ledger_sum(mou_id) == mou.balance_krw == last.balance_after


def test_an_order_charges_the_quota_and_writes_a_ledger_entry(app, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    order = ob.order(buyer, allocation, mou, quantity=3)
    assert order.number == f"PO-{clock.today().year}-{order.id:06d}"
    assert order.amount_krw == 3_000_000 and order.quota_before_krw == 10_000_000
    assert order.certificate_id == allocation.application.product.certificates[0].id
    db.session.refresh(mou)
    assert mou.balance_krw == 7_000_000
    entry = db.session.scalar(select(QuotaEntry).where(QuotaEntry.order_id == order.id))
    assert (entry.kind, entry.amount_krw, entry.actor_id) == ("charge", -3_000_000, buyer.id)
    assert ledger_matches(mou.id)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "order.placed", AuditEvent.object_id == order.id)
        )
        == 1
    )


def test_an_order_larger_than_the_remaining_quota_is_refused(app, ob):
    buyer, mou, allocation = ob.setup(committed=2_000_000)
    with pytest.raises(PlacementRefused) as refused:
        ob.order(buyer, allocation, mou, quantity=3)
    assert "remaining quota" in str(refused.value)
    db.session.refresh(mou)
    assert mou.balance_krw == 2_000_000


def test_every_failed_check_is_stated(app, ob, make):
    buyer, mou, allocation = ob.setup()
    other_mou = ob.mou()  # another institution's MOU
    allocation.status = "withdrawn"
    for certificate in allocation.application.product.certificates:
        certificate.status = "revoked"
    db.session.commit()
    with pytest.raises(PlacementRefused) as refused:
        ob.order(buyer, allocation, other_mou, no_private_interest=False)
    messages = [f.message for f in refused.value.failures]
    assert any("own institution" in m for m in messages)
    assert any("withdrawn" in m for m in messages)
    assert any("No certificate" in m for m in messages)
    assert any("private interest" in m for m in messages)


def test_an_unpublished_selection_or_an_inactive_mou_is_refused(app, ob, make):
    buyer, mou, allocation = ob.setup()
    draft = ob.published_round(status="drawn")
    unpublished = ob.allocation(buyer.institution, round_=draft)
    with pytest.raises(PlacementRefused, match="not been published"):
        ob.order(buyer, unpublished, mou)
    with pytest.raises(PlacementRefused, match="MOU is not active"):
        ob.order(buyer, allocation, mou, ordered_on=mou.starts_on - timedelta(days=1))


def test_a_certificate_must_be_valid_on_the_order_date_and_the_order_names_it(app, ob, make):
    buyer, mou, allocation = ob.setup()
    product = allocation.application.product
    old = product.certificates[0]
    old.expires_on = clock.today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(PlacementRefused, match="No certificate"):
        ob.order(buyer, allocation, mou)
    fresh = make.certificate(product.company)
    product.certificates.append(fresh)
    db.session.commit()
    assert ob.order(buyer, allocation, mou).certificate_id == fresh.id


def test_a_posted_amount_that_differs_from_quantity_times_price_is_refused(app, ob):
    buyer, mou, allocation = ob.setup()
    with pytest.raises(InvalidOrderInput, match="does not equal"):
        ob.order(buyer, allocation, mou, quantity=2, amount_krw=1_000_000)


def test_cancelling_releases_the_quota_with_a_reason(app, ob):
    buyer, mou, allocation = ob.setup(committed=5_000_000)
    order = ob.order(buyer, allocation, mou, quantity=2)
    with pytest.raises(InvalidOrderInput):
        orders.cancel(buyer, order.id, "   ")
    orders.cancel(buyer, order.id, "Budget moved")
    db.session.refresh(mou)
    assert mou.balance_krw == 5_000_000 and ledger_matches(mou.id)
    with pytest.raises(InvalidTransition):
        orders.cancel(buyer, order.id, "again")
    db.session.refresh(mou)
    assert mou.balance_krw == 5_000_000


def test_the_order_moves_through_delivery_inspection_and_evaluation(app, ob):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    with pytest.raises(InvalidTransition):
        orders.inspect(buyer, order.id, "accepted", "", clock.today())
    orders.deliver(buyer, order.id, clock.today())
    with pytest.raises(InvalidOrderInput, match="rejected"):
        orders.inspect(buyer, order.id, "rejected", "", clock.today())
    orders.inspect(buyer, order.id, "accepted", "All fine", clock.today())
    scores = dict(conformance=5, quality=4, delivery=3, support=4, overall=4)
    orders.evaluate(buyer, order.id, scores, True, "Good")
    assert order.status == "evaluated"
    summary = orders.evaluation_summary(order.product_id)
    assert summary["count"] == 1 and summary["averages"]["quality"] == 4.0 and summary["would_buy_again"] == 1
    actions = set(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == order.id, AuditEvent.object_type == "Order")
        )
    )
    assert {"order.placed", "order.delivered", "order.inspected", "order.evaluated"} <= actions


def test_rejected_goods_cannot_be_evaluated_but_can_be_cancelled(app, ob):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, "rejected", "Broken seal", clock.today())
    with pytest.raises(InvalidTransition):
        orders.evaluate(buyer, order.id, dict(conformance=1, quality=1, delivery=1, support=1, overall=1), False, "")
    orders.cancel(buyer, order.id, "Rejected at inspection")
    assert ledger_matches(mou.id)


def test_buyer_a_cannot_touch_buyer_bs_order_and_a_supplier_cannot_either(app, ob, make):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    other_buyer = make.user("buyer")
    supplier = make.user("supplier")
    for intruder in (other_buyer, supplier):
        with pytest.raises(NotFound, match="no such order among yours"):
            orders.order_for_buyer(intruder, order.id)
        with pytest.raises(NotFound, match="no such order among yours"):
            orders.cancel(intruder, order.id, "mine now")
        with pytest.raises(NotFound, match="no such order among yours"):
            orders.deliver(intruder, order.id, clock.today())
    db.session.refresh(order)
    assert order.status == "placed"


def test_an_amendment_below_the_remaining_quota_is_refused(app, ob, make):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    staff = make.user("ministry")
    ob.order(buyer, allocation, mou, quantity=6)
    with pytest.raises(AmendmentRefused):
        quota.amend_mou(staff, mou.id, -5_000_000, "Cut")
    with pytest.raises(AmendmentRefused, match="reason"):
        quota.amend_mou(staff, mou.id, 1_000_000, "")
    quota.amend_mou(staff, mou.id, -4_000_000, "Cut")
    quota.amend_mou(staff, mou.id, 2_000_000, "Top-up")
    figures = quota.figures_for([db.session.get(Mou, mou.id)])[0]
    assert (figures.summary.committed, figures.summary.charged, figures.summary.remaining) == (
        8_000_000,
        6_000_000,
        2_000_000,
    )
    assert ledger_matches(mou.id)


def test_the_charge_refuses_when_the_balance_ran_out_after_the_check(app, ob):
    buyer, mou, allocation = ob.setup(committed=1_000_000)
    from marketplace.database import begin_write

    begin_write()
    with pytest.raises(QuotaExceeded):
        quota.charge(mou.id, 2_000_000, buyer, "test")
    db.session.refresh(mou)
    assert mou.balance_krw == 1_000_000


def test_the_database_refuses_a_negative_balance_as_a_backstop(app, ob):
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    _, mou, _ = ob.setup(committed=1_000)
    with pytest.raises(IntegrityError):
        db.session.execute(update(Mou).where(Mou.id == mou.id).values(balance_krw=-1))
        db.session.commit()
    db.session.rollback()


def test_selected_products_list_own_allocations_first_then_other_products(app, ob, make):
    buyer, mou, allocation = ob.setup()
    elsewhere = ob.allocation(make.institution())
    withdrawn = ob.allocation(make.institution(), status="withdrawn")
    own, others = purchases.selected_products(buyer, clock.today())
    assert [a.id for a in own] == [allocation.id]
    assert elsewhere.id in [a.id for a in others] and withdrawn.id not in [a.id for a in others]


def test_a_buyer_cannot_buy_what_was_selected_for_another_institution(app, ob, make):
    buyer, mou, _ = ob.setup()
    elsewhere = ob.allocation(make.institution())
    with pytest.raises(PlacementRefused, match="selected for another institution"):
        ob.order(buyer, elsewhere, mou)
    assert db.session.query(Order).count() == 0
    assert db.session.get(Mou, mou.id).balance_krw == mou.committed_krw


def test_orders_on_an_allocation_never_exceed_its_amount(app, ob, make):
    """98,000,000 KRW bought against a 58,000,000 KRW allocation was accepted before."""
    buyer = make.user("buyer")
    mou = ob.mou(buyer.institution, committed=200_000_000)
    allocation = ob.allocation(buyer.institution, amount=58_000_000)
    first = ob.order(buyer, allocation, mou, quantity=40)
    assert first.allocation_before_krw == 58_000_000
    with pytest.raises(PlacementRefused, match="left of the allocation"):
        ob.order(buyer, allocation, mou, quantity=58)
    second = ob.order(buyer, allocation, mou, quantity=18)
    assert second.allocation_before_krw == 18_000_000
    assert db.session.get(Allocation, allocation.id).ordered_krw == 58_000_000
    with pytest.raises(PlacementRefused, match="left of the allocation"):
        ob.order(buyer, allocation, mou, quantity=1)
    orders.cancel(buyer, first.id, "Supplier could not deliver")
    db.session.expire_all()
    assert db.session.get(Allocation, allocation.id).ordered_krw == 18_000_000
    third = ob.order(buyer, allocation, mou, quantity=40)
    assert third.allocation_before_krw == 40_000_000


def test_the_database_refuses_an_allocation_ordered_beyond_its_amount(app, ob, make):
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    buyer, mou, allocation = ob.setup()
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(Allocation).where(Allocation.id == allocation.id).values(ordered_krw=Allocation.amount_krw + 1)
        )
        db.session.flush()
    db.session.rollback()


def test_cancelling_revokes_the_orders_audit_relief_certificate(app, ob):
    from marketplace.models import AuditReliefCertificate

    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    certificate = AuditReliefCertificate(
        order_id=order.id,
        serial="PP-TEST-000001",
        facts_json="{}",
        facts_sha256="0" * 64,
        pdf=b"%PDF",
        pdf_sha256="1" * 64,
        verification_code="TEST-CODE-0001",
        order_status="placed",
    )
    db.session.add(certificate)
    db.session.commit()
    orders.cancel(buyer, order.id, "Supplier went out of business")
    db.session.refresh(certificate)
    assert certificate.status == "revoked" and certificate.revoked_at is not None
    assert db.session.query(AuditEvent).filter_by(action="relief_certificate.revoked").count() == 1
