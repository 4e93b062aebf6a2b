"""Buyer pages: recording a purchase, plain messages for bad input, moving the order on, and isolation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import Mou, Order
from tests import clock
from tests.builders_orders import OrderBuilders

EN = {"Accept-Language": "en"}


@pytest.fixture
def ob(make):
    return OrderBuilders(make)


def form(mou, **overrides):
    data = {
        "mou_id": str(mou.id),
        "quantity": "2",
        "unit_price": "1,000,000",
        "amount": "",
        "contract_method": "private_contract",
        "ordered_on": clock.today().isoformat(),
        "no_private_interest": "y",
    }
    data.update(overrides)
    return data


def test_a_buyer_records_a_purchase_and_sees_it_charged(client, auth, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    auth.login(buyer)
    assert client.get(f"/buyer/purchase/{allocation.id}").status_code == 200
    response = client.post(f"/buyer/purchase/{allocation.id}", data=form(mou, amount="2,000,000"))
    assert response.status_code == 302
    order = db.session.query(Order).one()
    assert response.headers["Location"].endswith(f"/buyer/orders/{order.id}")
    page = client.get("/buyer/", headers=EN).get_data(as_text=True)
    assert "<svg" in page and 'font-family="' in page and "8,000,000" in page
    assert re.findall(r'data-remaining="(\d+)"', page) == ["8000000"]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("quantity", "0", "quantity of 1 or more"),
        ("quantity", "-3", "quantity of 1 or more"),
        ("quantity", "many", "whole number"),
        ("quantity", "99999999999999999999", "at most"),
        ("unit_price", "0", "1 won or more"),
        ("unit_price", "-5", "1 won or more"),
        ("unit_price", "abc", "digits only"),
        ("unit_price", "1" + "0" * 30, "at most"),
        ("amount", "5", "does not equal"),
        ("ordered_on", "yesterday", "YYYY-MM-DD"),
        ("contract_method", "bribe", "Not a valid choice"),
    ],
)
def test_bad_amounts_get_a_plain_message_and_a_400_never_a_500(client, auth, ob, field, value, message):
    buyer, mou, allocation = ob.setup()
    auth.login(buyer)
    response = client.post(f"/buyer/purchase/{allocation.id}", data=form(mou, **{field: value}), headers=EN)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(Order).count() == 0


def test_a_purchase_over_the_quota_is_refused_with_the_reason(client, auth, ob):
    buyer, mou, allocation = ob.setup(committed=1_000_000)
    auth.login(buyer)
    response = client.post(f"/buyer/purchase/{allocation.id}", data=form(mou), headers=EN)
    assert response.status_code == 400
    assert "more than the remaining quota" in response.get_data(as_text=True)


def test_the_declaration_of_no_private_interest_is_required(client, auth, ob):
    buyer, mou, allocation = ob.setup()
    auth.login(buyer)
    data = form(mou)
    del data["no_private_interest"]
    response = client.post(f"/buyer/purchase/{allocation.id}", data=data, headers=EN)
    assert response.status_code == 400 and "no private interest" in response.get_data(as_text=True)


def test_the_order_moves_on_through_post_forms(client, auth, ob):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    auth.login(buyer)
    today = clock.today().isoformat()
    assert (
        client.post(
            f"/buyer/orders/{order.id}/inspect",
            data={"result": "accepted", "inspected_on": today},
            headers=EN,
        ).status_code
        == 400
    )  # not delivered yet
    assert client.post(f"/buyer/orders/{order.id}/deliver", data={"delivered_on": today}).status_code == 302
    assert (
        client.post(
            f"/buyer/orders/{order.id}/inspect",
            data={"result": "accepted", "inspected_on": today, "note": ""},
        ).status_code
        == 302
    )
    scores = {
        "conformance": "5",
        "quality": "4",
        "delivery": "4",
        "support": "3",
        "overall": "4",
        "would_buy_again": "yes",
        "comment": "Works",
    }
    assert client.post(f"/buyer/orders/{order.id}/evaluate", data={**scores, "quality": "9"}).status_code == 400
    assert client.post(f"/buyer/orders/{order.id}/evaluate", data=scores).status_code == 302
    db.session.refresh(order)
    assert order.status == "evaluated" and order.evaluation.quality == 4


def test_cancelling_needs_a_reason_and_gives_the_amount_back(client, auth, ob):
    buyer, mou, allocation = ob.setup(committed=5_000_000)
    order = ob.order(buyer, allocation, mou, quantity=5)
    auth.login(buyer)
    response = client.post(f"/buyer/orders/{order.id}/cancel", data={"reason": ""}, headers=EN)
    assert response.status_code == 400 and "reason" in response.get_data(as_text=True)
    assert client.post(f"/buyer/orders/{order.id}/cancel", data={"reason": "Wrong model"}).status_code == 302
    assert db.session.get(Mou, mou.id).balance_krw == 5_000_000


def test_buyer_a_cannot_see_change_or_cancel_buyer_bs_orders(client, auth, ob, make):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    auth.login(make.user("buyer"))
    today = clock.today().isoformat()
    assert client.get(f"/buyer/orders/{order.id}").status_code == 404
    assert client.post(f"/buyer/orders/{order.id}/cancel", data={"reason": "x"}).status_code == 404
    assert client.post(f"/buyer/orders/{order.id}/deliver", data={"delivered_on": today}).status_code == 404
    assert client.get(f"/buyer/orders/{order.id}/evaluate").status_code == 404
    assert order.number not in client.get("/buyer/orders").get_data(as_text=True)
    # ... nor charge B's MOU from A's session
    response = client.post(f"/buyer/purchase/{allocation.id}", data=form(mou), headers=EN)
    assert response.status_code == 404 and "selected for another institution" in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.status == "placed" and db.session.query(Order).count() == 1


def test_a_supplier_cannot_touch_any_order_but_sees_orders_of_its_products(client, auth, ob, make):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    supplier = make.user("supplier", company=allocation.application.product.company)
    auth.login(supplier)
    assert client.post(f"/buyer/orders/{order.id}/cancel", data={"reason": "x"}).status_code == 403
    assert client.get(f"/buyer/orders/{order.id}").status_code == 403
    assert order.number in client.get("/supplier/orders").get_data(as_text=True)
    auth.logout()
    auth.login(make.user("supplier"))
    assert order.number not in client.get("/supplier/orders").get_data(as_text=True)


def test_the_selected_products_page_lists_own_allocations_first(client, auth, ob, make):
    buyer, mou, allocation = ob.setup()
    other = ob.allocation(make.institution())
    auth.login(buyer)
    page = client.get("/buyer/selected-products").get_data(as_text=True)
    own_name = allocation.application.product.name_ko
    other_name = other.application.product.name_ko
    assert own_name in page and other_name in page and page.index(own_name) < page.index(other_name)


def test_an_order_date_outside_the_mou_is_refused_plainly(client, auth, ob):
    buyer, mou, allocation = ob.setup()
    auth.login(buyer)
    day = (mou.starts_on - timedelta(days=3)).isoformat()
    response = client.post(f"/buyer/purchase/{allocation.id}", data=form(mou, ordered_on=day), headers=EN)
    assert response.status_code == 400 and "MOU is not active" in response.get_data(as_text=True)


def test_the_dashboard_lists_the_ten_newest_orders_without_loading_the_others(client, auth, ob, monkeypatch):
    from marketplace.services import orders as order_service

    buyer, mou, allocation = ob.setup()
    placed = [ob.order(buyer, allocation, mou, quantity=1).number for _ in range(12)]
    real, limits = order_service.orders_for_institution, []

    def counted(institution_id, status=None, *, limit=None):
        limits.append(limit)
        return real(institution_id, status, limit=limit)

    monkeypatch.setattr(order_service, "orders_for_institution", counted)
    auth.login(buyer)
    page = client.get("/buyer/", headers=EN).get_data(as_text=True)
    assert limits == [10]
    assert all(number in page for number in placed[2:]) and not any(number in page for number in placed[:2])
