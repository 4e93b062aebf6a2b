"""Audit-relief certificates: what they say, in which font, issued once, revoked with the order."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, AuditReliefCertificate
from marketplace.reports import certificates
from tests.builders_reports import ReportBuilders
from tests.pdf_checks import pdf_fonts, pdf_text, watch_weasyprint


@pytest.fixture
def glyphs(app):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True  # so the weasyprint logger of this process sees warnings
    logger, handler = watch_weasyprint()
    yield handler
    logger.removeHandler(handler)
    assert handler.missing_glyphs() == [], handler.messages


@pytest.fixture
def purchase(app, make):
    company = make.company(name_ko="한빛센서 주식회사", name_en="Hanbit Sensor Co.")
    cert = make.certificate(
        company,
        number="EPC-2017-0042",
        issued_on=datetime(2017, 3, 1).date(),
        expires_on=datetime(2020, 2, 28).date(),
    )
    product = make.product(company, name_ko="스마트 누수 감지기", certificates=[cert])
    buyer = make.user(
        "buyer", name="김구매", institution=make.institution(name_ko="한국수자원공사", code="KWATER")
    )
    return ReportBuilders(make).purchase(buyer, product=product, quantity=3, unit_price=411_522)


def issue(order, language="ko"):
    order = certificates.load_order(order.id)
    return certificates.issue_certificate(order, order.buyer, language)


def test_a_certificate_states_the_facts_in_korean_with_the_embedded_korean_font(app, purchase, glyphs):
    certificate = issue(purchase)
    text = "\n".join(pdf_text(certificate.pdf))
    for expected in (
        "한빛센서 주식회사",
        "스마트 누수 감지기",
        "한국수자원공사",
        "1,234,566원",
        certificate.serial,
        "EPC-2017-0042",
        "제14조",
        "감사",
    ):
        assert expected in text, expected
    assert certificate.serial.startswith("PP-2018-") and len(certificate.serial) == len("PP-2018-000123")
    assert "NanumGothic" in pdf_fonts(certificate.pdf)
    assert all("DejaVu" not in font and "Myeongjo" not in font for font in pdf_fonts(certificate.pdf))


def test_the_certificate_pages_are_numbered_n_of_m(app, purchase, glyphs):
    pages = pdf_text(issue(purchase).pdf)
    for number, page in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in page


def test_the_facts_json_is_canonical_and_its_hash_is_stored(app, purchase):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    certificate = issue(purchase)
    facts = json.loads(certificate.facts_json)
    assert certificate.facts_json == json.dumps(
        facts, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert facts["order"]["amount_krw"] == 1_234_566
    assert facts["draw"]["rank"] == 1 and facts["draw"]["manifest_sha256"] == "ab" * 32
    assert facts["certificate"]["valid_on_order_date"] is True
    assert facts["mou"]["quota_before_krw"] == 1_000_000_000
    assert facts["declaration"]["no_private_interest"] is True
    assert facts["verification_url"].endswith("/verify/" + certificate.serial)


def test_a_certificate_is_issued_once_and_served_byte_for_byte_afterwards(app, purchase):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    first = issue(purchase)
    pdf = first.pdf
    db.session.expire_all()
    again = certificates.certificate_for(certificates.load_order(purchase.id), purchase.buyer, "en")
    assert again.id == first.id and again.pdf == pdf
    assert db.session.scalar(select(db.func.count()).select_from(AuditReliefCertificate)) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "relief_certificate.issued"))


def test_serials_count_up_within_the_order_year(app, make, purchase):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    builders = ReportBuilders(make)
    other = builders.purchase(purchase.buyer, mou=purchase.mou)
    assert [issue(purchase).serial, issue(other).serial] == ["PP-2018-000001", "PP-2018-000002"]


def test_a_cancelled_order_gets_no_new_certificate(app, make):
    order = ReportBuilders(make).purchase(status="cancelled")
    with pytest.raises(certificates.CertificateRefused):
        issue(order)


def test_cancelling_revokes_the_certificate_with_the_date(app, purchase):
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    certificate = issue(purchase)
    when = datetime(2018, 11, 2, 1, 30, tzinfo=UTC)
    certificates.revoke_for_order(purchase, when, purchase.buyer)
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.status == "revoked" and certificate.revoked_at == when


def test_company_and_product_text_with_html_or_css_prints_as_text(app, make, glyphs):
    company = make.company(
        name_ko="<b>굵은</b> 회사 <style>html{display:none}</style>",
        name_en="<img src='http://example.com/x.png'>",
    )
    cert = make.certificate(
        company, issued_on=datetime(2017, 1, 1).date(), expires_on=datetime(2020, 1, 1).date()
    )
    product = make.product(
        company, name_ko="<link rel=stylesheet href=file:///etc/passwd>센서", certificates=[cert]
    )
    text = "".join("".join(pdf_text(issue(ReportBuilders(make).purchase(product=product)).pdf)).split())

    def squeezed(value):  # a narrow cell may wrap inside "</style>": compare without whitespace
        return "".join(value.split())

    assert squeezed("<b>굵은</b> 회사 <style>html{display:none}</style>") in text
    assert squeezed("<link rel=stylesheet href=file:///etc/passwd>센서") in text


@pytest.mark.parametrize(("language", "event", "object_label", "before_after"), [
    ("ko", "구매 등록", "구매", "주문 전후 잔여 할당액"),
    ("en", "Purchase recorded", "Purchase", "Quota before and after the order"),
])
def test_the_certificate_reads_the_trail_and_the_quota_in_the_readers_language(
        app, purchase, glyphs, language, event, object_label, before_after):
    from marketplace.services.audit import record_event

    record_event(purchase.buyer, "order.placed", purchase, institution_id=purchase.institution_id)
    db.session.commit()
    certificate = issue(purchase, language)
    text = "\n".join(pdf_text(certificate.pdf))
    facts = json.loads(certificate.facts_json)
    assert f"{event} · {object_label}" in text
    assert "order.placed" not in text  # the code stays in the facts JSON, not on the page
    assert before_after in text
    order = certificates.load_order(purchase.id)
    before, after = order.quota_before_krw, order.quota_before_krw - order.amount_krw
    money = (lambda n: f"{n:,}원") if language == "ko" else (lambda n: f"KRW {n:,}")
    assert f"{money(before)} → {money(after)}" in text
    assert facts["audit_trail"][-1]["action"] == "order.placed"
