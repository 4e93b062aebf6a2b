"""Certificate scans: checked by content, size-capped, hashed, downloadable by the right people."""

import hashlib
import re

import pytest

from marketplace.extensions import db
from marketplace.models import Certificate, StoredFile
from tests.builders_supplier import PDF, UPLOADS, certificate_form, sign_in

MB = 1024 * 1024


@pytest.fixture
def supplier(client, make):
    user = make.user("supplier")
    sign_in(client, user)
    return user


def _epc(make):
    return make.certificate_type("EPC").id


@pytest.mark.parametrize("kind", ["pdf", "png", "jpeg"])
def test_pdf_png_and_jpeg_are_accepted_by_content_and_stored_with_their_hash(client, make, supplier, kind):
    content, content_type = UPLOADS[kind]
    response = client.post(
        "/supplier/certificates/new",
        data=certificate_form(_epc(make), content, filename="scan.bin"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    certificate = db.session.query(Certificate).one()
    assert certificate.status == "pending" and certificate.company_id == supplier.company_id
    stored = certificate.file
    assert stored.content_type == content_type and stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{32}", stored.storage_name) and stored.original_name == "scan.bin"
    assert stored.data == content


def test_a_text_file_named_pdf_is_refused_and_nothing_is_saved(client, make, supplier):
    response = client.post(
        "/supplier/certificates/new",
        data=certificate_form(_epc(make), b"just some text", filename="cert.pdf"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert b"PDF, PNG or JPEG" in response.data
    assert db.session.query(Certificate).count() == 0 and db.session.query(StoredFile).count() == 0


def test_a_file_over_ten_megabytes_is_refused_with_a_message_and_nothing_saved(app, client, make, supplier):
    too_big = PDF + b"0" * (app.config["MAX_UPLOAD_BYTES"] + 1 - len(PDF))
    response = client.post(
        "/supplier/certificates/new", data=certificate_form(_epc(make), too_big), content_type="multipart/form-data"
    )
    assert response.status_code == 400 and b"larger than 10 MB" in response.data
    assert db.session.query(Certificate).count() == 0 and db.session.query(StoredFile).count() == 0


def test_a_request_far_over_the_limit_gets_the_413_page_and_nothing_is_saved(client, make, supplier):
    huge = PDF + b"0" * (11 * MB)
    response = client.post(
        "/supplier/certificates/new", data=certificate_form(_epc(make), huge), content_type="multipart/form-data"
    )
    assert response.status_code == 413 and b"at most 10 MB" in response.data
    assert db.session.query(Certificate).count() == 0 and db.session.query(StoredFile).count() == 0


def test_a_missing_file_or_bad_dates_re_render_with_400(client, make, supplier):
    no_file = certificate_form(_epc(make))
    del no_file["scan"]
    assert (
        client.post("/supplier/certificates/new", data=no_file, content_type="multipart/form-data").status_code == 400
    )
    backwards = certificate_form(_epc(make), issued_on="2025-01-01", expires_on="2024-01-01")
    response = client.post("/supplier/certificates/new", data=backwards, content_type="multipart/form-data")
    assert response.status_code == 400 and b"expiry date" in response.data
    assert db.session.query(Certificate).count() == 0 and db.session.query(StoredFile).count() == 0


def test_the_same_certificate_number_twice_is_refused(client, make, supplier):
    form = certificate_form(_epc(make))
    first = client.post("/supplier/certificates/new", data=form, content_type="multipart/form-data")
    assert first.status_code == 302
    again = client.post(
        "/supplier/certificates/new", data=certificate_form(_epc(make)), content_type="multipart/form-data"
    )
    assert again.status_code == 400 and b"already has" in again.data
    assert db.session.query(StoredFile).count() == 1


def _certificate_with_file(make, company, content=PDF):
    stored = StoredFile(
        storage_name="f" * 32,
        original_name="성능인증서.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        data=content,
    )
    return make.certificate(company, file=stored, status="pending")


def test_the_owner_downloads_the_scan_as_an_attachment_that_browsers_will_not_sniff(client, make, supplier):
    certificate = _certificate_with_file(make, supplier.company)
    response = client.get(f"/supplier/certificates/{certificate.id}/file")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition


def test_ministry_staff_download_any_scan(client, make):
    certificate = _certificate_with_file(make, make.company())
    sign_in(client, make.user("ministry"))
    assert client.get(f"/supplier/certificates/{certificate.id}/file").data == PDF


def test_another_supplier_gets_404_and_a_buyer_403_for_a_scan(client, make):
    certificate = _certificate_with_file(make, make.company())
    sign_in(client, make.user("supplier"))
    assert client.get(f"/supplier/certificates/{certificate.id}/file").status_code == 404
    buyer_client = client.application.test_client()
    sign_in(buyer_client, make.user("buyer"))
    assert buyer_client.get(f"/supplier/certificates/{certificate.id}/file").status_code == 403


def test_a_supplier_sees_only_its_own_certificates(client, make, supplier):
    mine = make.certificate(supplier.company, number="MINE-001")
    theirs = make.certificate(make.company(), number="THEIRS-001")
    page = client.get("/supplier/certificates").data
    assert mine.number.encode() in page and theirs.number.encode() not in page


def test_the_upload_page_renders(client, supplier):
    response = client.get("/supplier/certificates/new")
    assert response.status_code == 200 and b'enctype="multipart/form-data"' in response.data


def test_a_file_stream_is_not_read_past_the_cap(app, client, make, supplier):
    """The view reads at most cap + 1 bytes, so the service sees an oversize file without holding more."""
    app.config["MAX_UPLOAD_BYTES"] = 1000
    response = client.post(
        "/supplier/certificates/new",
        data=certificate_form(_epc(make), PDF + b"0" * 5000),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.query(StoredFile).count() == 0
