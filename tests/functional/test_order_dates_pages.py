"""Buyer pages: the contract date and the recording time on every order list, late registrations with their
reason, what is left of an allocation, and purchases only from the buyer's own institution's allocations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.domain.clock import SEOUL
from marketplace.extensions import db
from marketplace.models import Order
from tests import clock
from tests.builders_orders import OrderBuilders

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}
REASON = "The signed contract reached us from the field office late"


@pytest.fixture
def ob(make):
    return OrderBuilders(make)


def form(mou, day, **overrides):
    data = {
        "mou_id": str(mou.id),
        "quantity": "2",
        "unit_price": "1,000,000",
        "amount": "",
        "contract_method": "private_contract",
        "ordered_on": day.isoformat(),
        "no_private_interest": "y",
        "late_reason": "",
    }
    data.update(overrides)
    return data


def recorded(order) -> str:
    return order.created_at.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M KST")


def test_the_issue_scenario_through_the_pages(client, auth, ob, make, today):
    """Certificate expired yesterday: today's order is refused; dated two weeks back it is accepted and
    shows when it was recorded; dated 40 days back it needs a reason, and with one it is flagged late."""
    buyer = make.user("buyer")
    mou = ob.mou(buyer.institution, starts_on=today - timedelta(days=90))
    company = make.company()
    certificate = make.certificate(company, issued_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))
    product = make.product(company, certificates=[certificate], unit_price_krw=1_000_000)
    allocation = ob.allocation(buyer.institution, product, round_=ob.published_round(published_days_ago=60))
    supplier = make.user("supplier", company=company)
    auth.login(buyer)
    url = f"/buyer/purchase/{allocation.id}"

    response = client.post(url, data=form(mou, today), headers=EN)
    assert response.status_code == 400 and "No certificate of the product is valid" in response.get_data(as_text=True)
    assert client.post(url, data=form(mou, today - timedelta(days=14))).status_code == 302
    fortnight = db.session.query(Order).one()
    page = client.get(f"/buyer/orders/{fortnight.id}", headers=EN).get_data(as_text=True)
    assert "Contract date" in page and (today - timedelta(days=14)).isoformat() in page
    assert recorded(fortnight) in page and "Late registration" not in page

    response = client.post(url, data=form(mou, today - timedelta(days=40)), headers=EN)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "The contract date is 40 days back, more than 30 days" in text
    assert 'id="late_reason-error"' in text and db.session.query(Order).count() == 1
    assert client.post(url, data=form(mou, today - timedelta(days=40), late_reason=REASON)).status_code == 302
    late = db.session.query(Order).order_by(Order.id.desc()).first()
    assert late.late_reason == REASON
    page = client.get(f"/buyer/orders/{late.id}", headers=EN).get_data(as_text=True)
    assert "Late registration" in page and REASON in page and recorded(late) in page
    assert "지연 등록" in client.get(f"/buyer/orders/{late.id}", headers=KO).get_data(as_text=True)
    listing = client.get("/buyer/orders", headers=EN).get_data(as_text=True)
    assert recorded(late) in listing and recorded(fortnight) in listing and listing.count("Late registration") == 1
    auth.logout()
    auth.login(supplier)
    listing = client.get("/supplier/orders", headers=EN).get_data(as_text=True)
    assert recorded(late) in listing and "Late registration" in listing and REASON not in listing


def test_the_purchase_form_says_how_much_of_the_allocation_is_left(client, auth, ob):
    buyer, mou, allocation = ob.setup()
    ob.order(buyer, allocation, mou, quantity=2)
    auth.login(buyer)
    page = client.get(f"/buyer/purchase/{allocation.id}", headers=EN).get_data(as_text=True)
    assert "KRW 50,000,000 allocated, KRW 2,000,000 already ordered: KRW 48,000,000 left" in page
    assert "Reason for late registration" in page
    listing = client.get("/buyer/selected-products", headers=EN).get_data(as_text=True)
    assert "KRW 48,000,000" in listing


def test_another_institutions_selection_is_shown_without_a_buy_button_and_its_form_answers_404(client, auth, ob, make):
    buyer, mou, allocation = ob.setup()
    other = ob.allocation(make.institution())
    auth.login(buyer)
    listing = client.get("/buyer/selected-products", headers=EN).get_data(as_text=True)
    assert other.application.product.name_en in listing
    assert f"/buyer/purchase/{allocation.id}" in listing and f"/buyer/purchase/{other.id}" not in listing
    for method in ("GET", "POST"):
        response = client.open(f"/buyer/purchase/{other.id}", method=method, data=form(mou, clock.today()), headers=EN)
        assert response.status_code == 404
        assert "selected for another institution" in response.get_data(as_text=True)
    korean = client.get(f"/buyer/purchase/{other.id}", headers=KO).get_data(as_text=True)
    assert "다른 기관에 배정되었습니다" in korean
    assert client.get("/buyer/purchase/987654321", headers=EN).status_code == 404
    assert db.session.query(Order).count() == 0
