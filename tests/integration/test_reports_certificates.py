"""Audit-relief certificates: what they say (as on the contract date), in which font, and where in the chains."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from marketplace.domain.errors import NotFound
from marketplace.domain.relief import CODE_ALPHABET, CertificateRefused
from marketplace.extensions import db
from marketplace.models import AuditEvent, AuditReliefCertificate, QuotaEntry, User
from marketplace.services import orders, quota, relief_certificates
from tests.builders_orders import OrderBuilders
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
    buyer = make.user("buyer", name="김구매", institution=make.institution(name_ko="한국수자원공사", code="KWATER"))
    return ReportBuilders(make).purchase(buyer, product=product, quantity=3, unit_price=411_522)


def issue(order, language="ko", **kw):
    buyer = db.session.get(User, order.buyer_id)
    return relief_certificates.issue(buyer, order.id, language, **kw)


def facts_of(certificate) -> dict:
    return json.loads(certificate.facts_json)


def test_a_certificate_states_the_facts_in_korean_with_the_embedded_korean_font(app, purchase, glyphs):
    certificate = issue(purchase)
    text = "\n".join(pdf_text(certificate.pdf))
    for expected in (
        "한빛센서 주식회사",
        "스마트 누수 감지기",
        "한국수자원공사",
        "1,234,566원",
        certificate.serial,
        certificate.verification_code,
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
    certificate = issue(purchase)
    facts = facts_of(certificate)
    assert certificate.facts_json == json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert facts["order"]["amount_krw"] == 1_234_566
    assert facts["draw"]["rank"] == 1 and facts["draw"]["manifest_sha256"] == "ab" * 32
    assert facts["certificate"]["valid_on_contract_date"] is True
    assert facts["mou"]["quota_before_krw"] == 1_000_000_000
    assert facts["declaration"]["no_private_interest"] is True
    assert facts["verification_url"].endswith("/verify/" + certificate.serial)
    assert certificate.verification_code not in certificate.facts_json  # the code unlocks facts; it is not one


def test_the_verification_code_is_random_grouped_and_in_the_qr_code_address(app, purchase, make):
    first = issue(purchase)
    second = issue(ReportBuilders(make).purchase(purchase.buyer, mou=purchase.mou))
    for code in (first.verification_code, second.verification_code):
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4] and set("".join(groups)) <= set(CODE_ALPHABET)
    assert first.verification_code != second.verification_code
    text = "".join(pdf_text(first.pdf))
    assert first.verification_code in text


def test_serials_count_up_within_the_contract_year(app, make, purchase):
    builders = ReportBuilders(make)
    other = builders.purchase(purchase.buyer, mou=purchase.mou)
    assert [issue(purchase).serial, issue(other).serial] == ["PP-2018-000001", "PP-2018-000002"]


def test_a_cancelled_order_gets_no_certificate(app, make):
    order = ReportBuilders(make).purchase(status="cancelled")
    with pytest.raises(CertificateRefused):
        issue(order)
    assert db.session.scalar(select(AuditReliefCertificate.id)) is None


def test_another_institutions_buyer_cannot_issue_the_certificate(app, make, purchase):
    stranger = make.user("buyer", institution=make.institution())
    with pytest.raises(NotFound, match="no such order among yours"):
        relief_certificates.issue(stranger, purchase.id)


def test_the_certificate_states_the_mou_commitment_on_the_contract_date_not_as_amended_since(app, make):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup(committed=100_000_000)
    order = ob.order(buyer, allocation, mou, quantity=2)
    quota.amend_mou(make.user("ministry"), mou.id, 30_000_000, "추가 약정")
    facts = facts_of(issue(order))
    assert facts["mou"]["committed_on_contract_date_krw"] == 100_000_000
    assert "committed_krw" not in facts["mou"]
    assert (facts["mou"]["quota_before_krw"], facts["mou"]["quota_after_krw"]) == (100_000_000, 98_000_000)


def test_a_late_registration_counts_amendments_of_the_contract_day_only(app, make):
    """An amendment recorded on the contract date counts; one recorded after that Seoul day, though still
    before the late registration, does not: it did not stand on the contract date."""
    builders, ministry = ReportBuilders(make), make.user("ministry")
    buyer = make.user("buyer")
    mou = builders.mou(buyer.institution, committed=500_000_000)
    # 2018-10-05 23:30 KST is still the contract date; 2018-10-06 00:10 KST is the next day
    quota.amend_mou(ministry, mou.id, 7_000_000, "same day", now=datetime(2018, 10, 5, 14, 30, tzinfo=UTC))
    quota.amend_mou(ministry, mou.id, 11_000_000, "next day", now=datetime(2018, 10, 5, 15, 10, tzinfo=UTC))
    db.session.refresh(mou)
    order = builders.purchase(buyer, mou=mou, ordered_on=date(2018, 10, 5), late_reason="전산 장애로 늦게 등록")
    certificate = issue(order, "en")
    facts = facts_of(certificate)
    assert facts["mou"]["committed_on_contract_date_krw"] == 507_000_000
    assert facts["late_registration"] == {"late": True, "reason": "전산 장애로 늦게 등록"}
    text = "".join(pdf_text(certificate.pdf))
    assert "Late registration" in text and "전산 장애로 늦게 등록" in text


def test_contract_date_recording_time_and_allocation_are_stated_in_seoul_time(app, make):
    builders = ReportBuilders(make)
    recorded = datetime(2018, 10, 8, 1, 30, tzinfo=UTC)
    order = builders.purchase(ordered_on=date(2018, 10, 5), created_at=recorded)
    facts = facts_of(issue(order, "en"))
    assert facts["order"]["ordered_on"] == "2018-10-05"
    assert facts["order"]["recorded_at"] == "2018-10-08T10:30:00+09:00"
    assert facts["late_registration"] == {"late": False, "reason": ""}
    assert facts["allocation"] == {
        "amount_krw": 100_000_000,
        "before_krw": 100_000_000,
        "after_krw": 100_000_000 - order.amount_krw,
    }


def test_the_certificate_names_where_the_orders_events_and_charge_sit_in_the_hash_chains(app, make, today):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, today)
    certificate = issue(order, "en")
    chain = facts_of(certificate)["chain"]
    events = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.action)
        .where(AuditEvent.object_type == "Order", AuditEvent.object_id == order.id)
        .order_by(AuditEvent.seq)
    ).all()
    charge = db.session.execute(
        select(QuotaEntry.seq, QuotaEntry.hash).where(QuotaEntry.order_id == order.id, QuotaEntry.kind == "charge")
    ).one()
    assert [(e["seq"], e["hash"], e["action"]) for e in chain["audit"]] == [tuple(e) for e in events]
    assert [e[2] for e in events] == ["order.placed", "order.delivered"]
    assert [(e["seq"], e["hash"]) for e in chain["ledger"]] == [tuple(charge)]
    text = "".join("".join(pdf_text(certificate.pdf)).split())
    assert f"#{charge.seq}{charge.hash}" in text and events[0].hash in text


def test_a_product_certificate_revoked_after_the_recording_was_still_valid_on_the_contract_date(app, purchase):
    purchase.certificate.status = "revoked"
    purchase.certificate.decided_at = datetime(2030, 1, 1, tzinfo=UTC)
    db.session.commit()
    assert facts_of(issue(purchase))["certificate"]["valid_on_contract_date"] is True


def test_company_and_product_text_with_html_or_css_prints_as_text(app, make, glyphs):
    company = make.company(
        name_ko="<b>굵은</b> 회사 <style>html{display:none}</style>",
        name_en="<img src='http://example.com/x.png'>",
    )
    cert = make.certificate(company, issued_on=datetime(2017, 1, 1).date(), expires_on=datetime(2020, 1, 1).date())
    product = make.product(company, name_ko="<link rel=stylesheet href=file:///etc/passwd>센서", certificates=[cert])
    text = "".join("".join(pdf_text(issue(ReportBuilders(make).purchase(product=product)).pdf)).split())

    def squeezed(value):  # a narrow cell may wrap inside "</style>": compare without whitespace
        return "".join(value.split())

    assert squeezed("<b>굵은</b> 회사 <style>html{display:none}</style>") in text
    assert squeezed("<link rel=stylesheet href=file:///etc/passwd>센서") in text


@pytest.mark.parametrize(
    ("language", "event", "object_label", "before_after"),
    [
        ("ko", "구매 등록", "구매", "주문 전후 잔여 한도"),
        ("en", "Purchase recorded", "Purchase", "Quota before and after the order"),
    ],
)
def test_the_certificate_reads_the_trail_and_the_quota_in_the_readers_language(
    app, purchase, glyphs, language, event, object_label, before_after
):
    from marketplace.services.audit import record_event

    record_event(purchase.buyer, "order.placed", purchase, institution_id=purchase.institution_id)
    db.session.commit()
    certificate = issue(purchase, language)
    text = "\n".join(pdf_text(certificate.pdf))
    facts = facts_of(certificate)
    assert f"{event} · {object_label}" in text
    assert "order.placed" not in text  # the code stays in the facts JSON, not on the page
    assert before_after in text
    before, after = purchase.quota_before_krw, purchase.quota_before_krw - purchase.amount_krw
    money = (lambda n: f"{n:,}원") if language == "ko" else (lambda n: f"KRW {n:,}")
    assert f"{money(before)} → {money(after)}" in text
    assert facts["audit_trail"][-1]["action"] == "order.placed"
