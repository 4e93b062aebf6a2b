"""Pages offer an action only when it can succeed, and say when it can; irreversible ones are confirmed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.domain import orders as order_rules
from marketplace.domain import rounds as round_rules
from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Application, AuditEvent
from marketplace.services import orders
from tests import builders_allocations, clock
from tests.builders_orders import OrderBuilders
from tests.builders_reports import ReportBuilders
from tests.builders_rounds import Clock, RoundBuilders, kst

EN = {"Accept-Language": "en"}
OPENS, CLOSES = kst(date(2018, 8, 16), 9), kst(date(2018, 9, 14), 18)


# --- closing a round ------------------------------------------------------------------------------------


def test_an_open_round_before_its_deadline_offers_no_close_button_but_says_when(app, make, auth, monkeypatch):
    times = Clock(monkeypatch, kst(date(2018, 8, 20), 10))
    RoundBuilders(make).round(code="2018-H2", opens_at=OPENS, closes_at=CLOSES)
    auth.login(make.user("ministry"), language="en")
    page = auth.client.get("/ministry/rounds/2018-H2").get_data(as_text=True)
    assert "/ministry/rounds/2018-H2/close" not in page
    assert "The round can be closed after that moment" in page and "2018-09-14 18:00 KST" in page
    times.now = CLOSES + timedelta(minutes=1)  # after the window the page closes it and shows the next step
    page = auth.client.get("/ministry/rounds/2018-H2").get_data(as_text=True)
    assert "/ministry/rounds/2018-H2/close" not in page and "/ministry/rounds/2018-H2/freeze" in page


# --- cancelling an order --------------------------------------------------------------------------------


def test_goods_may_be_cancelled_until_they_are_accepted():
    assert order_rules.may_cancel("placed", None) and order_rules.may_cancel("delivered", None)
    assert order_rules.may_cancel("inspected", "rejected")
    assert not order_rules.may_cancel("inspected", "accepted")
    assert not order_rules.may_cancel("evaluated", "accepted") and not order_rules.may_cancel("cancelled", None)
    with pytest.raises(order_rules.InvalidTransition, match="accepted at inspection"):
        order_rules.check_cancellable("inspected", "accepted")


def test_the_service_refuses_to_cancel_accepted_goods(app, make):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, "accepted", "", clock.today())
    with pytest.raises(DomainError, match="accepted at inspection"):
        orders.cancel(buyer, order.id, "changed our mind")
    assert db.session.get(type(order), order.id).status == "inspected"


def test_an_order_with_a_valid_certificate_warns_that_cancelling_revokes_it(app, make, auth):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    certificate = ReportBuilders(make).relief_certificate(order)
    auth.login(buyer, language="en")
    page = auth.client.get(f"/buyer/orders/{order.id}").get_data(as_text=True)
    assert f"Cancelling revokes the audit-relief certificate {certificate.serial}" in page
    assert "<summary>Cancel the order…</summary>" in page  # folded away under the certificate


def test_accepted_goods_show_no_cancel_form(app, make, auth):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, "accepted", "", clock.today())
    auth.login(buyer, language="en")
    page = auth.client.get(f"/buyer/orders/{order.id}").get_data(as_text=True)
    assert f"/buyer/orders/{order.id}/cancel" not in page
    assert "Goods accepted at inspection cannot be cancelled." in page
    response = auth.client.post(f"/buyer/orders/{order.id}/cancel", data={"reason": "no"})
    assert response.status_code == 400 and "accepted at inspection" in response.get_data(as_text=True)


# --- withdrawing a selected application -----------------------------------------------------------------


@pytest.fixture
def world(app, make):
    return builders_allocations.build(make)


def test_a_withdrawal_needs_a_reason():
    assert round_rules.withdrawal_reason("  Factory closed ") == "Factory closed"
    with pytest.raises(round_rules.RoundError):
        round_rules.withdrawal_reason("   ")
    assert round_rules.may_withdraw("selected", "published") and round_rules.may_withdraw("submitted", "open")
    assert not round_rules.may_withdraw("selected", "drawn") and not round_rules.may_withdraw("withdrawn", "published")


def test_withdrawing_a_selection_is_confirmed_with_a_reason_recorded_and_shown(world, auth):
    application_id = world.s1.application_id
    auth.login(world.suppliers[application_id], language="en")
    detail = auth.client.get(f"/supplier/applications/{application_id}").get_data(as_text=True)
    assert f'action="/supplier/applications/{application_id}/withdraw"' not in detail  # no one-click form
    assert f'href="/supplier/applications/{application_id}/withdraw"' in detail
    confirm = auth.client.get(f"/supplier/applications/{application_id}/withdraw")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "cannot be undone" in text and (world.aaa.name_en or "가기관") in text
    assert 'name="reason"' in text
    refused = auth.client.post(f"/supplier/applications/{application_id}/withdraw", data={"reason": " "})
    assert refused.status_code == 400 and "Say why you withdraw" in refused.get_data(as_text=True)
    assert db.session.get(Application, application_id).status == "selected"
    done = auth.client.post(f"/supplier/applications/{application_id}/withdraw", data={"reason": "Factory closed"})
    assert done.status_code == 302
    application = db.session.get(Application, application_id)
    assert application.status == "withdrawn" and application.withdrawal_reason == "Factory closed"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("application.withdrawn", "allocation.withdrawn")))
    ).all()
    assert len(events) == 2 and {e.reason for e in events} == {"Factory closed"}
    detail = auth.client.get(f"/supplier/applications/{application_id}").get_data(as_text=True)
    assert "Your reason: Factory closed" in detail
    again = auth.client.get(f"/supplier/applications/{application_id}/withdraw")
    assert again.status_code == 302  # nothing left to withdraw
