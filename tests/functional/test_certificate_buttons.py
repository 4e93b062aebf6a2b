"""The buyer issues the audit-relief certificate with a button on the order page; opening a link never issues."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AuditReliefCertificate
from tests.builders_reports import ReportBuilders

EN = {"Accept-Language": "en"}
ISSUE = b"Issue the audit-relief certificate"
NEW_VERSION = b"Issue a new version of the certificate"


@pytest.fixture
def order(app, make):
    return ReportBuilders(make).purchase()


def issued_count() -> int:
    return db.session.scalar(select(func.count(AuditReliefCertificate.id)))


def form_key(html: bytes) -> str:
    return re.search(rb'name="form_key"[^>]*value="([^"]+)"', html).group(1).decode()


def test_the_buyer_issues_the_certificate_with_the_button_and_then_downloads_it(client, auth, order):
    auth.login(order.buyer)
    page = client.get(f"/buyer/orders/{order.id}", headers=EN)
    assert page.status_code == 200 and ISSUE in page.data
    assert f'action="/buyer/orders/{order.id}/certificate"'.encode() in page.data

    issued = client.post(f"/buyer/orders/{order.id}/certificate", data={"form_key": form_key(page.data)}, headers=EN)
    assert issued.status_code == 302 and issued.headers["Location"].endswith(f"/buyer/orders/{order.id}")
    certificate = db.session.scalar(select(AuditReliefCertificate))
    page = client.get(f"/buyer/orders/{order.id}", headers=EN)
    assert certificate.serial.encode() in page.data and certificate.verification_code.encode() in page.data
    assert f'href="/verify/{certificate.serial}"'.encode() in page.data
    assert ISSUE not in page.data and NEW_VERSION not in page.data  # nothing changed since: no new version

    pdf = client.get(f"/buyer/orders/{order.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data == certificate.pdf
    assert client.get(f"/verify/{certificate.serial}").status_code == 200


def test_the_same_button_pressed_twice_issues_one_certificate(client, auth, order):
    auth.login(order.buyer)
    key = form_key(client.get(f"/buyer/orders/{order.id}").data)
    first = client.post(f"/buyer/orders/{order.id}/certificate", data={"form_key": key})
    again = client.post(f"/buyer/orders/{order.id}/certificate", data={"form_key": key})
    assert first.status_code == 302 and again.status_code in (302, 303)
    assert issued_count() == 1


def test_opening_the_certificate_link_before_it_was_issued_issues_nothing(client, auth, order):
    auth.login(order.buyer)
    response = client.get(f"/buyer/orders/{order.id}/certificate.pdf", headers=EN)
    assert response.status_code == 404
    assert b"No audit-relief certificate has been issued for this order yet." in response.data
    assert ISSUE in response.data and f'action="/buyer/orders/{order.id}/certificate"'.encode() in response.data
    assert issued_count() == 0


def test_ministry_staff_opening_the_link_of_a_placed_order_issue_nothing(client, auth, make, order):
    auth.login(make.user("ministry"))
    response = client.get(f"/ministry/orders/{order.id}/certificate.pdf", headers=EN)
    assert response.status_code == 404 and ISSUE not in response.data
    assert issued_count() == 0


def test_ministry_staff_see_an_issued_certificate_from_the_institution_page(client, auth, make, order):
    auth.login(make.user("ministry"))
    page = client.get(f"/ministry/institutions/{order.institution_id}", headers=EN)
    assert f"/ministry/orders/{order.id}/certificate.pdf".encode() not in page.data  # none issued yet
    certificate = ReportBuilders(make).relief_certificate(order)
    page = client.get(f"/ministry/institutions/{order.institution_id}", headers=EN)
    assert f'href="/ministry/orders/{order.id}/certificate.pdf?language=ko"'.encode() in page.data
    assert client.get(f"/ministry/orders/{order.id}/certificate.pdf").data == certificate.pdf


def test_a_cancelled_order_offers_no_certificate_button(client, auth, make):
    cancelled = ReportBuilders(make).purchase(status="cancelled")
    auth.login(cancelled.buyer)
    page = client.get(f"/buyer/orders/{cancelled.id}", headers=EN)
    assert page.status_code == 200 and ISSUE not in page.data
    refused = client.post(f"/buyer/orders/{cancelled.id}/certificate", headers=EN)
    assert refused.status_code == 400 and b"The order was cancelled" in refused.data
    assert issued_count() == 0


def test_an_order_without_the_declaration_offers_no_certificate_button(client, auth, order):
    order.no_private_interest = False
    db.session.commit()
    auth.login(order.buyer)
    page = client.get(f"/buyer/orders/{order.id}", headers=EN)
    assert page.status_code == 200 and ISSUE not in page.data


def test_after_delivery_the_buyer_may_issue_a_new_version(client, auth, order, today):
    auth.login(order.buyer)
    client.post(f"/buyer/orders/{order.id}/certificate")
    client.post(f"/buyer/orders/{order.id}/deliver", data={"delivered_on": today.isoformat()})
    page = client.get(f"/buyer/orders/{order.id}", headers=EN)
    assert NEW_VERSION in page.data
    assert client.post(f"/buyer/orders/{order.id}/certificate").status_code == 302
    first, second = db.session.scalars(select(AuditReliefCertificate).order_by(AuditReliefCertificate.version))
    assert (first.status, second.status) == ("superseded", "valid")
    assert client.get(f"/buyer/orders/{order.id}/certificate.pdf").data == second.pdf
    assert client.get(f"/buyer/orders/{order.id}/certificate.pdf?version=1").data == first.pdf
    assert client.get(f"/buyer/orders/{order.id}/certificate.pdf?version=x").status_code == 404


def test_another_institutions_buyer_gets_no_order_page_and_no_certificate(client, auth, make, order):
    ReportBuilders(make).relief_certificate(order)
    stranger = make.user("buyer", institution=make.institution())
    auth.login(stranger)
    assert client.get(f"/buyer/orders/{order.id}").status_code == 404
    assert client.get(f"/buyer/orders/{order.id}/certificate.pdf").status_code == 404
    assert client.post(f"/buyer/orders/{order.id}/certificate").status_code == 404
    assert issued_count() == 1
