"""The pages after the pilot: follow-on purchases from the order page, corrective actions of suppliers and staff."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest

from marketplace.extensions import db
from marketplace.models import CorrectiveAction, FollowOnPurchase
from marketplace.services import corrective_actions, orders
from tests import clock
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import RoundBuilders
from tests.functional.test_one_time_keys import rendered_form

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


@pytest.fixture
def ob(make):
    return OrderBuilders(make)


def _completed(ob):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, "accepted", "", clock.today())
    return buyer, order


def _rejected(ob, make):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, "rejected", "scratched casing", clock.today())
    supplier = make.user("supplier", company_id=order.product.company_id)
    return buyer, supplier, corrective_actions.action_of_order(order.id)


def _follow_on_form(client, order, **overrides):
    values = {"quantity": "2", "amount": "3,000,000", "contract_method": "private_contract", "reference": "FO-7"}
    page = f"/buyer/orders/{order.id}/follow-on"
    return rendered_form(client, page, page, **(values | overrides))


def test_the_order_page_offers_a_follow_on_and_the_form_posted_twice_records_one(client, auth, ob):
    buyer, order = _completed(ob)
    auth.login(buyer)
    assert f"/buyer/orders/{order.id}/follow-on" in client.get(f"/buyer/orders/{order.id}", headers=EN).text
    data = _follow_on_form(client, order, contracted_on=clock.today().isoformat())

    first = client.post(f"/buyer/orders/{order.id}/follow-on", data=data)
    second = client.post(f"/buyer/orders/{order.id}/follow-on", data=data)

    assert first.status_code == 302 and second.status_code == 303
    purchase = db.session.query(FollowOnPurchase).one()
    assert (purchase.quantity, purchase.amount_krw, purchase.reference) == (2, 3_000_000, "FO-7")
    page = client.get(f"/buyer/orders/{order.id}", headers=EN).text
    assert "FO-7" in page and "3,000,000" in page
    assert "FO-7" in client.get("/buyer/follow-on-purchases", headers=EN).text


def test_a_contract_date_before_the_pilot_order_is_refused_with_400_in_the_users_language(client, auth, ob):
    buyer, order = _completed(ob)
    auth.login(buyer)
    early = (order.ordered_on - timedelta(days=1)).isoformat()
    english = client.post(
        f"/buyer/orders/{order.id}/follow-on", data=_follow_on_form(client, order, contracted_on=early), headers=EN
    )
    korean = client.post(
        f"/buyer/orders/{order.id}/follow-on", data=_follow_on_form(client, order, contracted_on=early), headers=KO
    )
    assert english.status_code == korean.status_code == 400
    assert "before the pilot order" in unescape(english.text)
    assert "시범구매 주문의 계약일" in unescape(korean.text)
    assert db.session.query(FollowOnPurchase).count() == 0


def test_an_amount_of_thousands_of_digits_is_a_400_not_a_500(client, auth, ob):
    buyer, order = _completed(ob)
    auth.login(buyer)
    data = _follow_on_form(client, order, contracted_on=clock.today().isoformat(), amount="9" * 5000)
    assert client.post(f"/buyer/orders/{order.id}/follow-on", data=data).status_code == 400


def test_another_institutions_order_and_follow_on_are_not_found(client, auth, ob, make):
    buyer, order = _completed(ob)
    purchase = FollowOnPurchase(
        order_id=order.id,
        institution_id=order.institution_id,
        product_id=order.product_id,
        buyer_id=buyer.id,
        contracted_on=clock.today(),
        quantity=1,
        amount_krw=1,
        contract_method="private_contract",
        reference="X",
    )
    db.session.add(purchase)
    db.session.commit()
    auth.login(make.user("buyer"))
    assert client.get(f"/buyer/orders/{order.id}/follow-on").status_code == 404
    assert client.post(f"/buyer/follow-on-purchases/{purchase.id}/cancel", data={"reason": "x"}).status_code == 404
    assert "No follow-on purchases yet." in client.get("/buyer/follow-on-purchases", headers=EN).text


def test_the_buyer_cancels_a_follow_on_from_the_order_page_with_a_reason(client, auth, ob):
    buyer, order = _completed(ob)
    auth.login(buyer)
    client.post(
        f"/buyer/orders/{order.id}/follow-on",
        data=_follow_on_form(client, order, contracted_on=clock.today().isoformat()),
    )
    purchase = db.session.query(FollowOnPurchase).one()
    target = f"/buyer/follow-on-purchases/{purchase.id}/cancel"
    refused = client.post(
        target, data=rendered_form(client, f"/buyer/orders/{order.id}", target, reason=""), headers=EN
    )
    assert refused.status_code == 400 and "Give the reason for the cancellation." in refused.text
    done = client.post(target, data=rendered_form(client, f"/buyer/orders/{order.id}", target, reason="typed twice"))
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(FollowOnPurchase, purchase.id).status == "cancelled"


def test_the_supplier_sees_follow_ons_of_its_products(client, auth, ob, make):
    buyer, order = _completed(ob)
    auth.login(buyer)
    client.post(
        f"/buyer/orders/{order.id}/follow-on",
        data=_follow_on_form(client, order, contracted_on=clock.today().isoformat()),
    )
    client.post("/logout")
    auth.login(make.user("supplier", company_id=order.product.company_id))
    assert "FO-7" in client.get("/supplier/follow-on-purchases", headers=EN).text
    client.post("/logout")
    auth.login(make.user("supplier"))
    assert "FO-7" not in client.get("/supplier/follow-on-purchases", headers=EN).text


# --- corrective actions --------------------------------------------------------------------------


def test_a_supplier_cannot_see_or_answer_another_companys_corrective_action(client, auth, ob, make):
    _buyer, _supplier, action = _rejected(ob, make)
    auth.login(make.user("supplier"))
    assert client.get(f"/supplier/corrective-actions/{action.id}").status_code == 404
    due = (clock.today() + timedelta(days=5)).isoformat()
    assert (
        client.post(f"/supplier/corrective-actions/{action.id}", data={"plan": "x", "due_on": due}).status_code == 404
    )
    assert action.number not in client.get("/supplier/corrective-actions", headers=EN).text


def test_a_blocked_supplier_is_told_why_in_both_languages_and_may_apply_once_the_plan_is_accepted(
    client, auth, ob, make
):
    buyer, supplier, action = _rejected(ob, make)
    round_ = RoundBuilders(make).round()
    make.product(supplier.company)
    auth.login(supplier)
    english = unescape(client.get(f"/supplier/rounds/{round_.code}/apply", headers=EN).text)
    korean = unescape(client.get(f"/supplier/rounds/{round_.code}/apply", headers=KO).text)
    assert f"cannot apply while a corrective action is not accepted: {action.number}" in english
    assert f"시정 조치가 승인되지 않아 신청할 수 없습니다: {action.number}" in korean
    assert action.number in client.get("/supplier/applications", headers=EN).text

    page = f"/supplier/corrective-actions/{action.id}"
    due = (clock.today() + timedelta(days=14)).isoformat()
    sent = client.post(page, data=rendered_form(client, page, page, plan="New packaging", due_on=due))
    assert sent.status_code == 302
    client.post("/logout")

    auth.login(make.user("ministry"))
    detail = f"/ministry/corrective-actions/{action.id}"
    assert "New packaging" in client.get(detail, headers=EN).text
    decided = client.post(f"{detail}/decide", data=rendered_form(client, detail, "/decide", decision="accept"))
    assert decided.status_code == 302
    assert action.number in client.get("/ministry/corrective-actions?status=accepted", headers=EN).text
    client.post("/logout")

    auth.login(supplier)
    assert "cannot apply" not in unescape(client.get(f"/supplier/rounds/{round_.code}/apply", headers=EN).text)
    assert action.number not in client.get("/supplier/applications", headers=EN).text
    client.post("/logout")
    auth.login(buyer)
    assert "Corrective action" in client.get(f"/buyer/orders/{action.order_id}", headers=EN).text


def test_staff_rejecting_without_a_reason_get_the_form_again_with_400(client, auth, ob, make):
    _buyer, supplier, action = _rejected(ob, make)
    corrective_actions.submit_plan(supplier, action.id, "plan", clock.today() + timedelta(days=3))
    auth.login(make.user("ministry"))
    detail = f"/ministry/corrective-actions/{action.id}"
    refused = client.post(
        f"{detail}/decide", data=rendered_form(client, detail, "/decide", decision="reject"), headers=EN
    )
    assert refused.status_code == 400 and "Give a reason" in unescape(refused.text)
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).state == "plan_submitted"
