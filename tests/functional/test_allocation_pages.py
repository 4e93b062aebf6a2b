"""Ministry pages that move and refill allocations, and the changes the round pages list, in both languages."""

from __future__ import annotations

import pytest

from marketplace.domain.clock import SEOUL
from marketplace.extensions import db
from marketplace.models import Allocation, AllocationChange
from tests.builders_allocations import build
from tests.builders_orders import OrderBuilders

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


@pytest.fixture
def world(app, make):
    return build(make)


def test_staff_move_an_allocation_with_a_reason_and_both_round_pages_list_it(client, auth, world, make):
    code = world.round.code
    auth.login(world.staff)
    url = f"/ministry/allocations/{world.s1.id}/move"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "Move an allocation" in page and "BBB" in page and "KRW 50,000,000" in page
    response = client.post(url, data={"institution_id": str(world.bbb.id), "reason": ""}, headers=EN)
    assert response.status_code == 400 and "Give the reason for the change." in response.get_data(as_text=True)
    response = client.post(url, data={"institution_id": "abc", "reason": "x"}, headers=EN)
    assert response.status_code == 400
    order = OrderBuilders(make).order(world.buyers["AAA"], world.s1, world.mous["AAA"])
    response = client.post(url, data={"institution_id": str(world.bbb.id), "reason": "AAA has no need"}, headers=EN)
    assert response.status_code == 400 and "1 orders rest on this allocation" in response.get_data(as_text=True)
    assert db.session.query(AllocationChange).count() == 0
    from marketplace.services import orders

    orders.cancel(world.buyers["AAA"], order.id, "no need")
    response = client.post(url, data={"institution_id": str(world.bbb.id), "reason": "AAA has no need"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ministry/rounds/{code}")
    change = db.session.query(AllocationChange).one()
    when = change.created_at.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M KST")
    ministry = client.get(f"/ministry/rounds/{code}", headers=EN).get_data(as_text=True)
    assert "Changes to the allocations" in ministry and "AAA has no need" in ministry and when in ministry
    assert world.staff.name in ministry
    auth.logout()
    public = client.get(f"/rounds/{code}", headers=EN).get_data(as_text=True)
    assert "Moved to another institution" in public and "AAA has no need" in public and when in public
    assert world.staff.name not in public
    korean = client.get(f"/rounds/{code}", headers=KO).get_data(as_text=True)
    assert "배정 변경 내역" in korean and "다른 기관으로 이관" in korean


def test_staff_refill_a_withdrawn_allocation_once_a_waitlisted_application_fits(client, auth, world):
    from marketplace.services import allocations

    code = world.round.code
    auth.login(world.staff)
    url = f"/ministry/allocations/{world.s2.id}/refill"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "No waitlisted application fits the round budget left." in page
    response = client.post(url, data={"reason": "try"}, headers=EN)
    assert response.status_code == 400 and "No waitlisted application fits" in response.get_data(as_text=True)
    allocations.move(world.staff, world.s1.id, world.bbb.id, "BBB needs it")
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert f"Application {world.w.receipt_no}" in page and "KRW 60,000,000" in page
    response = client.post(url, data={"reason": "W fits at AAA now"})
    assert response.status_code == 302
    assert db.session.query(Allocation).filter_by(application_id=world.w.id, status="active").count() == 1
    ministry = client.get(f"/ministry/rounds/{code}", headers=EN).get_data(as_text=True)
    assert "Refilled from the waitlist" in ministry and "W fits at AAA now" in ministry
    response = client.post(url, data={"reason": "again"}, headers=EN)
    assert response.status_code == 400 and "already given to the waitlist" in response.get_data(as_text=True)


def test_the_move_and_refill_pages_answer_404_for_an_unknown_allocation(client, auth, world):
    auth.login(world.staff)
    for step in ("move", "refill"):
        assert client.get(f"/ministry/allocations/987654321/{step}").status_code == 404
        assert client.post(f"/ministry/allocations/987654321/{step}", data={"reason": "x"}).status_code == 404
