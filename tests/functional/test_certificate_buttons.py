"""The order pages lead to the audit-relief certificate: the buyer's download button, serial and verify link."""

from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from tests.builders_reports import ReportBuilders

EN = {"Accept-Language": "en"}
BUTTON = b"Download the audit-relief certificate (PDF)"


@pytest.fixture
def order(app, make):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    return ReportBuilders(make).purchase()


def certificate_href(html: bytes) -> str:
    match = re.search(rb'href="([^"]+/certificate\.pdf)"', html)
    assert match, "no certificate link on the page"
    return match.group(1).decode()


def test_the_buyer_downloads_the_certificate_from_the_order_page_and_then_sees_its_serial(client, auth, order):
    auth.login(order.buyer)
    page = client.get(f"/buyer/orders/{order.id}", headers=EN)
    assert page.status_code == 200 and BUTTON in page.data
    href = certificate_href(page.data)
    assert href == f"/buyer/orders/{order.id}/certificate.pdf"

    pdf = client.get(href)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    page = client.get(f"/buyer/orders/{order.id}", headers=EN)
    serial = re.search(rb"PP-\d{4}-\d{6}", page.data).group(0).decode()
    assert f'href="/verify/{serial}"'.encode() in page.data and BUTTON in page.data
    assert client.get(f"/verify/{serial}").status_code == 200


def test_a_cancelled_order_offers_no_certificate_button(client, auth, make):
    cancelled = ReportBuilders(make).purchase(status="cancelled")
    auth.login(cancelled.buyer)
    page = client.get(f"/buyer/orders/{cancelled.id}", headers=EN)
    assert page.status_code == 200 and BUTTON not in page.data


def test_an_order_without_the_declaration_offers_no_certificate_button(client, auth, order):
    order.no_private_interest = False
    db.session.commit()
    auth.login(order.buyer)
    page = client.get(f"/buyer/orders/{order.id}", headers=EN)
    assert page.status_code == 200 and BUTTON not in page.data


def test_another_institutions_buyer_gets_no_order_page_and_no_certificate(client, auth, make, order):
    stranger = make.user("buyer", institution=make.institution())
    auth.login(stranger)
    assert client.get(f"/buyer/orders/{order.id}").status_code == 404
    assert client.get(f"/buyer/orders/{order.id}/certificate.pdf").status_code == 404


def test_ministry_staff_find_the_certificate_link_on_the_institution_page(client, auth, make, order):
    auth.login(make.user("ministry"))
    page = client.get(f"/ministry/institutions/{order.institution_id}", headers=EN)
    assert page.status_code == 200
    href = certificate_href(page.data)
    assert href == f"/ministry/orders/{order.id}/certificate.pdf"
    assert client.get(href).data.startswith(b"%PDF")
