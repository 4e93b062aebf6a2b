"""Pure rules of the supplier area: what an upload is, decisions, and when a product may be listed."""

from datetime import date

import pytest

from marketplace.domain.suppliers import (
    CERTIFICATE_DECISIONS,
    COMPANY_DECISIONS,
    CertificateFacts,
    ListingRefused,
    ReasonRequired,
    TransitionRefused,
    check_listable,
    decide,
    product_step,
)
from marketplace.domain.uploads import UploadRefused, check_upload, safe_download_name, sniff_content_type
from tests.builders_supplier import JPEG, PDF, PNG

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize("data,kind", [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")])
def test_pdf_png_and_jpeg_are_recognised_by_their_first_bytes(data, kind):
    assert sniff_content_type(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        b"hello, I am text pretending to be a pdf",
        b"GIF89a....",
        b"PK\x03\x04zip",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"%PD",
    ],
)
def test_anything_else_is_refused_whatever_it_is_called(data):
    with pytest.raises(UploadRefused):
        sniff_content_type(data)


def test_an_empty_file_and_one_over_the_cap_are_refused_but_one_at_the_cap_is_accepted():
    with pytest.raises(UploadRefused):
        check_upload(b"", 100)
    with pytest.raises(UploadRefused, match="larger than"):
        check_upload(PDF + b"x" * 101, 100 + len(PDF))
    assert check_upload(PDF.ljust(100, b" "), 100) == "application/pdf"


def test_a_download_name_keeps_the_users_name_but_always_has_the_real_extension():
    assert safe_download_name("성능인증서.pdf", "application/pdf", "f") == "성능인증서.pdf"
    assert safe_download_name("../../etc/passwd", "image/png", "f") == "passwd.png"
    assert safe_download_name('a"b.exe', "image/jpeg", "f") == "ab.jpg"
    assert safe_download_name("", "application/pdf", "certificate-7") == "certificate-7.pdf"


@pytest.mark.parametrize(
    "action,current,target",
    [
        ("approve", "pending", "approved"),
        ("reject", "pending", "rejected"),
        ("suspend", "approved", "suspended"),
        ("approve", "suspended", "approved"),
        ("approve", "rejected", "approved"),
    ],
)
def test_company_decisions_move_between_the_allowed_states(action, current, target):
    assert decide(COMPANY_DECISIONS, action, current, "because") == target


def test_refusals_need_a_reason_and_impossible_steps_are_refused():
    with pytest.raises(ReasonRequired):
        decide(COMPANY_DECISIONS, "reject", "pending", "  ")
    with pytest.raises(ReasonRequired):
        decide(CERTIFICATE_DECISIONS, "revoke", "verified", "")
    with pytest.raises(TransitionRefused):
        decide(COMPANY_DECISIONS, "suspend", "pending", "x")
    with pytest.raises(TransitionRefused):
        decide(CERTIFICATE_DECISIONS, "revoke", "pending", "x")
    with pytest.raises(TransitionRefused):
        decide(CERTIFICATE_DECISIONS, "explode", "pending", "x")
    assert decide(CERTIFICATE_DECISIONS, "verify", "pending", "") == "verified"


def test_products_go_draft_to_listed_to_delisted_and_back():
    assert product_step("list", "draft") == "listed"
    assert product_step("delist", "listed") == "delisted"
    assert product_step("list", "delisted") == "listed"
    with pytest.raises(TransitionRefused):
        product_step("delist", "draft")


def _cert(status="verified", issued=date(2024, 1, 1), expires=date(2025, 1, 1)):
    return CertificateFacts(status, issued, expires)


def test_listing_needs_an_approved_company_and_a_certificate_valid_today():
    check_listable("approved", [_cert()], TODAY)
    check_listable("approved", [_cert("pending"), _cert()], TODAY)
    for company, certs in [
        ("pending", [_cert()]),
        ("approved", []),
        ("approved", [_cert("pending")]),
        ("approved", [_cert("revoked")]),
        ("approved", [_cert(expires=date(2024, 5, 31))]),
        ("approved", [_cert(issued=date(2024, 6, 2))]),
    ]:
        with pytest.raises(ListingRefused):
            check_listable(company, certs, TODAY)


def test_a_certificate_is_valid_on_its_first_and_last_day():
    check_listable("approved", [_cert(issued=TODAY)], TODAY)
    check_listable("approved", [_cert(expires=TODAY)], TODAY)
