"""Anyone verifies a certificate: by serial, by uploading the PDF; revoked ones say so with the date."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from marketplace.extensions import db
from marketplace.reports import certificates
from tests.builders_reports import ReportBuilders


@pytest.fixture
def issued(app, make):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    order = ReportBuilders(make).purchase()
    order = certificates.load_order(order.id)
    return certificates.issue_certificate(order, order.buyer, "ko")


def upload(client, data: bytes, serial: str = "", name: str = "certificate.pdf"):
    return client.post(
        "/verify/upload",
        data={"serial": serial, "pdf": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )


def test_a_valid_certificate_verifies_by_serial(client, issued):
    response = client.get(f"/verify/{issued.serial}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert issued.serial.encode() in response.data and b"Valid" in response.data
    assert issued.pdf_sha256.encode() in response.data


def test_the_lookup_form_takes_a_typed_serial_to_its_page(client, issued):
    response = client.get("/verify", query_string={"serial": issued.serial.lower()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{issued.serial}")


def test_an_unknown_serial_is_a_404_with_a_message(client, issued):
    response = client.get("/verify/PP-2018-999999", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and b"No certificate has the serial number" in response.data


def test_the_issued_pdf_matches_when_uploaded(client, issued):
    response = upload(client, issued.pdf, issued.serial)
    assert response.status_code == 200 and b"exactly the PDF issued" in response.data


def test_a_pdf_with_one_byte_changed_fails(client, issued):
    changed = bytearray(issued.pdf)
    changed[len(changed) // 2] ^= 0x01
    response = upload(client, bytes(changed), issued.serial)
    assert response.status_code == 200 and b"does not match" in response.data
    assert b"exactly the PDF issued" not in response.data


def test_an_upload_without_serial_finds_the_certificate_by_its_bytes(client, issued):
    response = upload(client, issued.pdf)
    assert response.status_code == 200 and issued.serial.encode() in response.data


def test_a_file_that_is_not_a_pdf_is_refused_with_400(client, issued):
    response = upload(client, b"GIF89a not a pdf", issued.serial, "x.gif")
    assert response.status_code == 400 and b"not a PDF" in response.data


def test_an_upload_over_the_cap_is_refused(app, client, issued):
    app.config["VERIFY_MAX_BYTES"] = 1024
    response = upload(client, b"%PDF-" + b"0" * 2048, issued.serial)
    assert response.status_code == 400 and b"larger than" in response.data


def test_a_cancelled_orders_certificate_shows_revoked_with_the_date(client, issued):
    certificates.revoke_for_order(issued.order, datetime(2018, 11, 2, 1, 30, tzinfo=UTC))
    db.session.commit()
    response = client.get(f"/verify/{issued.serial}", headers={"Accept-Language": "en"})
    assert b"Revoked" in response.data and b"2018-11-02 10:30 KST" in response.data


def test_an_anonymous_upload_needs_the_csrf_token_from_the_form(app, client, issued):
    app.config["WTF_CSRF_ENABLED"] = True
    assert upload(client, issued.pdf, issued.serial).status_code == 400
    page = client.get(f"/verify/{issued.serial}").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/verify/upload",
        data={"csrf_token": token, "serial": issued.serial, "pdf": (io.BytesIO(issued.pdf), "c.pdf")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200 and b"exactly the PDF issued" in response.data
