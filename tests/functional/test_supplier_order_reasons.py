"""A supplier sees why an order of their product was cancelled or its goods rejected."""

from __future__ import annotations

from marketplace.services import orders
from tests import clock
from tests.builders_orders import OrderBuilders


def test_the_supplier_sees_the_cancellation_reason_and_the_rejection_note(client, auth, make):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    cancelled = ob.order(buyer, allocation, mou)
    orders.cancel(buyer, cancelled.id, "예산이 다른 사업으로 재배정됨")
    rejected = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, rejected.id, clock.today())
    orders.inspect(buyer, rejected.id, "rejected", "봉인이 훼손됨", clock.today())
    supplier = make.user("supplier", company=allocation.application.product.company)
    auth.login(supplier, language="en")
    page = client.get("/supplier/orders").get_data(as_text=True)
    assert "Cancelled at" in page and "예산이 다른 사업으로 재배정됨" in page
    assert "Rejected at inspection: 봉인이 훼손됨" in page
