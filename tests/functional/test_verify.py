"""Anyone verifies a certificate: the serial shows its status; the code or the PDF shows its facts."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.i18n import kst
from marketplace.models import User
from marketplace.services import orders, relief_certificates
from tests.builders_orders import OrderBuilders
from tests.builders_reports import ReportBuilders

EN = {"Accept-Language": "en"}
FACTS = b"The facts the certificate states"


@pytest.fixture
def issued(app, make):
    order = ReportBuilders(make).purchase(buyer=make.user("buyer", name="Kim Officer"))
    return relief_certificates.issue(db.session.get(User, order.buyer_id), order.id, "en")


def upload(client, data: bytes, serial: str = "", name: str = "certificate.pdf"):
    return client.post(
        "/verify/upload",
        data={"serial": serial, "pdf": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=EN,
    )


def private_facts(certificate) -> list[bytes]:
    """What only the holder may read: the officer's name, the business number, the quota."""
    order = certificate.order
    return [b"Kim Officer", order.product.company.brn.encode(), f"{order.quota_before_krw:,}".encode()]


def test_the_serial_alone_shows_status_issue_date_and_institution_but_no_facts(client, issued):
    response = client.get(f"/verify/{issued.serial}", headers=EN)
    assert response.status_code == 200
    assert issued.serial.encode() in response.data and b"Valid" in response.data
    assert issued.order.institution.name_en.encode() in response.data
    assert kst(issued.issued_at).encode() in response.data
    assert FACTS not in response.data and issued.facts_sha256.encode() not in response.data
    for private in private_facts(issued):
        assert private not in response.data


def test_the_right_code_shows_the_facts_whatever_its_case_and_dashes(client, issued):
    for code in (issued.verification_code, issued.verification_code.replace("-", "").lower()):
        response = client.get(f"/verify/{issued.serial}", query_string={"code": code}, headers=EN)
        assert response.status_code == 200 and FACTS in response.data
        assert all(private in response.data for private in private_facts(issued))
        assert issued.pdf_sha256.encode() in response.data


def test_a_wrong_code_says_so_and_shows_no_facts(client, issued):
    response = client.get(f"/verify/{issued.serial}", query_string={"code": "2222-2222-2222"}, headers=EN)
    assert response.status_code == 200 and b"does not match this certificate" in response.data
    assert FACTS not in response.data and b"Kim Officer" not in response.data


def test_the_qr_code_address_carries_the_code(app, issued):
    from marketplace.reports.certificates import code_url

    assert code_url(issued.serial, issued.verification_code) == (
        f"http://localhost/verify/{issued.serial}?code={issued.verification_code}"
    )


def test_the_lookup_form_takes_a_typed_serial_and_code_to_its_page(client, issued):
    response = client.get("/verify", query_string={"serial": issued.serial.lower(), "code": "abcd"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{issued.serial}?code=abcd")


def test_an_unknown_serial_is_a_404_with_a_message(client, issued):
    response = client.get("/verify/PP-2018-999999", headers=EN)
    assert response.status_code == 404 and b"No certificate has the serial number" in response.data


def test_the_issued_pdf_matches_when_uploaded_and_shows_the_facts(client, issued):
    response = upload(client, issued.pdf, issued.serial)
    assert response.status_code == 200 and b"exactly the PDF issued" in response.data and FACTS in response.data


def test_a_pdf_with_one_byte_changed_fails_and_shows_no_facts(client, issued):
    changed = bytearray(issued.pdf)
    changed[len(changed) // 2] ^= 0x01
    response = upload(client, bytes(changed), issued.serial)
    assert response.status_code == 200 and b"does not match" in response.data
    assert b"exactly the PDF issued" not in response.data and FACTS not in response.data


def test_an_upload_without_serial_finds_the_certificate_by_its_bytes(client, issued):
    response = upload(client, issued.pdf)
    assert response.status_code == 200 and issued.serial.encode() in response.data and FACTS in response.data


def test_a_file_that_is_not_a_pdf_is_refused_with_400(client, issued):
    response = upload(client, b"GIF89a not a pdf", issued.serial, "x.gif")
    assert response.status_code == 400 and b"not a PDF" in response.data


def test_an_upload_over_the_cap_is_refused(app, client, issued):
    app.config["VERIFY_MAX_BYTES"] = 1024
    response = upload(client, b"%PDF-" + b"0" * 2048, issued.serial)
    assert response.status_code == 400 and b"larger than" in response.data


def test_a_cancelled_orders_certificate_shows_revoked_with_the_date(client, issued):
    relief_certificates.revoke_for_order(issued.order, datetime(2018, 11, 2, 1, 30, tzinfo=UTC))
    db.session.commit()
    response = client.get(f"/verify/{issued.serial}", headers=EN)
    assert b"Revoked" in response.data and b"2018-11-02 10:30 KST" in response.data


def test_a_superseded_version_names_and_links_the_new_one(client, make, today):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    first = relief_certificates.issue(buyer, order.id)
    orders.deliver(buyer, order.id, today)
    second = relief_certificates.issue(buyer, order.id)
    response = client.get(f"/verify/{first.serial}", headers=EN)
    assert b"Superseded" in response.data
    assert f'href="/verify/{second.serial}"'.encode() in response.data
    assert b"Valid" in client.get(f"/verify/{second.serial}", headers=EN).data


@pytest.mark.parametrize("column", ["pdf", "facts_json"])
def test_one_changed_byte_in_the_stored_record_is_not_reported_valid(client, issued, column):
    record = db.session.execute(
        text(f"SELECT {column} FROM audit_relief_certificates WHERE id = :id"),  # noqa: S608
        {"id": issued.id},
    ).scalar()
    if column == "pdf":
        changed = bytearray(record)
        changed[len(changed) // 2] ^= 0x01
        value = bytes(changed)
    else:
        value = record.replace('"amount_krw":', '"amount_krw":1', 1)
    db.session.execute(
        text(f"UPDATE audit_relief_certificates SET {column} = :value WHERE id = :id"),  # noqa: S608
        {"value": value, "id": issued.id},
    )
    db.session.commit()
    for response in (
        client.get(f"/verify/{issued.serial}", headers=EN),
        client.get(f"/verify/{issued.serial}", query_string={"code": issued.verification_code}, headers=EN),
    ):
        assert b"does not match its fingerprint" in response.data
        assert b">Valid<" not in response.data and FACTS not in response.data


def test_a_status_flipped_back_to_valid_in_the_database_shows_as_not_matching(client, issued):
    relief_certificates.revoke_for_order(issued.order, datetime(2018, 11, 2, 1, 30, tzinfo=UTC))
    db.session.commit()
    db.session.execute(text("UPDATE audit_relief_certificates SET status = 'valid', revoked_at = NULL"))
    db.session.commit()
    response = client.get(f"/verify/{issued.serial}", headers=EN)
    assert b"does not match its fingerprint" in response.data and b">Valid<" not in response.data


def test_an_anonymous_upload_needs_the_csrf_token_from_the_form(app, client, issued):
    app.config["WTF_CSRF_ENABLED"] = True
    assert upload(client, issued.pdf, issued.serial).status_code == 400
    page = client.get(f"/verify/{issued.serial}").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/verify/upload",
        data={"csrf_token": token, "serial": issued.serial, "pdf": (io.BytesIO(issued.pdf), "c.pdf")},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 200 and b"exactly the PDF issued" in response.data


def test_wrong_codes_count_against_the_verification_allowance_and_right_ones_do_not(sqlite_url, make):
    from tests.functional.test_rate_limits import limited_app  # uploads and codes: "2 per hour"

    app = limited_app(sqlite_url)
    with app.app_context():
        order = ReportBuilders(make).purchase()
        certificate = ReportBuilders(make).relief_certificate(order)
        client, page = app.test_client(), f"/verify/{certificate.serial}"
        for _ in range(3):  # the right code, and looks without a code, are not counted
            assert client.get(page, query_string={"code": certificate.verification_code}).status_code == 200
            assert client.get(page).status_code == 200
        for _ in range(2):
            assert client.get(page, query_string={"code": "2222-2222-2222"}).status_code == 200
        assert client.get(page, query_string={"code": "3333-3333-3333"}).status_code == 429
        assert client.get(page, query_string={"code": certificate.verification_code}).status_code == 429
        assert upload(client, b"%PDF-1.7", certificate.serial).status_code == 429  # one allowance for both
        assert client.get(page).status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_a_code_no_one_would_type_is_refused_as_wrong_without_an_error(client, issued):
    for code in ("x" * 5000, "２２２２", "<script>"):
        response = client.get(f"/verify/{issued.serial}", query_string={"code": code}, headers=EN)
        assert response.status_code == 200 and b"does not match this certificate" in response.data
