"""Every certificate comes in Korean and in English: the same facts, two PDFs, each of which verifies."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, ReliefCertificateRendition, User
from marketplace.services import relief_certificates, relief_verification
from tests.builders_reports import ReportBuilders

EN = {"Accept-Language": "en"}


@pytest.fixture
def issued(app, make):
    order = ReportBuilders(make).purchase()
    return relief_certificates.issue(db.session.get(User, order.buyer_id), order.id, "ko")


def download(client, certificate, language: str):
    return client.get(f"/buyer/orders/{certificate.order_id}/certificate.pdf", query_string={"language": language})


def upload(client, data: bytes, serial: str = ""):
    return client.post(
        "/verify/upload",
        data={"serial": serial, "pdf": (io.BytesIO(data), "certificate.pdf")},
        content_type="multipart/form-data",
        headers=EN,
    )


def test_one_issue_stores_the_certificate_in_korean_and_in_english_with_the_same_facts(issued):
    rendition = db.session.scalar(select(ReliefCertificateRendition))
    assert (issued.language, rendition.language, rendition.certificate_id) == ("ko", "en", issued.id)
    assert rendition.pdf != issued.pdf and rendition.pdf_sha256 == hashlib.sha256(rendition.pdf).hexdigest()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "relief_certificate.issued"))
    assert event.after["facts_sha256"] == issued.facts_sha256
    assert event.after["pdf_sha256_by_language"] == {"ko": issued.pdf_sha256, "en": rendition.pdf_sha256}


def test_the_buyer_downloads_both_languages_and_both_pdfs_verify_with_the_same_facts_hash(client, auth, issued):
    auth.login(issued.order.buyer)
    page = client.get(f"/buyer/orders/{issued.order_id}", headers=EN)
    for language in ("ko", "en"):
        link = f'href="/buyer/orders/{issued.order_id}/certificate.pdf?version=1&amp;language={language}"'
        assert link.encode() in page.data
    korean, english = download(client, issued, "ko"), download(client, issued, "en")
    assert korean.status_code == english.status_code == 200
    assert korean.data == issued.pdf and english.data != korean.data
    assert english.headers["Content-Disposition"] == f"attachment; filename={issued.serial}_en.pdf"
    assert hashlib.sha256(korean.data).hexdigest() != hashlib.sha256(english.data).hexdigest()
    for data in (korean.data, english.data):
        for serial in (issued.serial, ""):  # with the serial typed in, and found by its bytes alone
            response = upload(client, data, serial)
            assert response.status_code == 200 and b"is exactly the PDF issued as" in response.data
            assert issued.facts_sha256.encode() in response.data
        assert relief_verification.verify(issued.serial, pdf=data).proof == "pdf"
    assert relief_verification.verify(issued.serial).intact


def test_the_verification_page_lists_the_hash_of_each_language(client, issued):
    rendition = db.session.scalar(select(ReliefCertificateRendition))
    page = client.get(f"/verify/{issued.serial}", query_string={"code": issued.verification_code}, headers=EN)
    assert issued.pdf_sha256.encode() in page.data and rendition.pdf_sha256.encode() in page.data


def test_ministry_staff_are_offered_both_languages_of_the_latest_version(client, auth, make, issued):
    auth.login(make.user("ministry"))
    page = client.get(f"/ministry/institutions/{issued.order.institution_id}", headers=EN)
    for language in ("ko", "en"):
        assert f"/ministry/orders/{issued.order_id}/certificate.pdf?language={language}".encode() in page.data
    english = client.get(f"/ministry/orders/{issued.order_id}/certificate.pdf?language=en")
    assert english.status_code == 200 and english.data == db.session.scalar(select(ReliefCertificateRendition.pdf))


def test_a_rendition_whose_bytes_changed_makes_the_record_fail_its_check(issued):
    rendition = db.session.scalar(select(ReliefCertificateRendition))
    rendition.pdf = rendition.pdf + b"\n"
    db.session.commit()
    assert relief_verification.verify(issued.serial).problems == ["pdf"]


def test_a_rendition_the_trail_never_recorded_makes_the_record_fail_its_check(app, make):
    order = ReportBuilders(make).purchase()
    certificate = ReportBuilders(make).relief_certificate(order)  # recorded with its own PDF only
    db.session.add(ReliefCertificateRendition(certificate=certificate, language="en", pdf=b"x", pdf_sha256="0" * 64))
    db.session.commit()
    assert "trail" in relief_verification.verify(certificate.serial).problems


def test_a_certificate_issued_in_one_language_only_refuses_the_other_and_an_unknown_one(client, auth, make):
    order = ReportBuilders(make).purchase()
    certificate = ReportBuilders(make).relief_certificate(order)
    assert relief_verification.verify(certificate.serial).intact  # the trail recorded its one PDF
    auth.login(order.buyer)
    assert download(client, certificate, "ko").data == certificate.pdf
    missing = client.get(f"/buyer/orders/{order.id}/certificate.pdf?language=en", headers=EN)
    assert missing.status_code == 404
    assert download(client, certificate, "fr").status_code == 404
    page = client.get(f"/buyer/orders/{order.id}", headers=EN)
    assert b"language=ko" in page.data and b"language=en" not in page.data
