"""Contract date and recording time: a backdated order is checked on its contract date, keeps the time it
was recorded, needs a reason beyond LATE_REGISTRATION_DAYS, and shows as late wherever orders are listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.clock import kst_text
from marketplace.domain.orders import LateReasonNeeded, PlacementRefused
from marketplace.extensions import db
from marketplace.models import AuditEvent
from marketplace.services import report_data as data
from tests.builders_orders import OrderBuilders
from tests.pdf_checks import pdf_text, watch_weasyprint

REASON = "현장 사무소 계약서 전달 지연 (contract papers reached us late)"


@pytest.fixture
def ob(make):
    return OrderBuilders(make)


@pytest.fixture
def expired_yesterday(ob, make, today):
    """A buyer with an MOU running from 90 days ago, and a product whose only certificate expired yesterday,
    allocated to the buyer's institution in a round published 60 days ago."""
    buyer = make.user("buyer")
    mou = ob.mou(buyer.institution, starts_on=today - timedelta(days=90))
    company = make.company()
    certificate = make.certificate(company, issued_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))
    product = make.product(company, certificates=[certificate], unit_price_krw=1_000_000)
    allocation = ob.allocation(buyer.institution, product, round_=ob.published_round(published_days_ago=60))
    return buyer, mou, allocation


def back(today, days):
    return today - timedelta(days=days)


def test_the_issue_scenario_a_backdated_order_is_accepted_but_visibly_backdated(app, ob, expired_yesterday, today, now):
    buyer, mou, allocation = expired_yesterday
    with pytest.raises(PlacementRefused, match="No certificate of the product is valid"):
        ob.order(buyer, allocation, mou)  # dated today: the certificate expired yesterday
    fortnight = ob.order(buyer, allocation, mou, ordered_on=back(today, 14))
    assert fortnight.ordered_on == back(today, 14) and fortnight.created_at >= now
    assert fortnight.late_reason == ""  # 14 days back is within the 30-day limit
    with pytest.raises(PlacementRefused, match="40 days back, more than 30 days") as refused:
        ob.order(buyer, allocation, mou, ordered_on=back(today, 40))
    assert [type(f) for f in refused.value.failures] == [LateReasonNeeded]
    late = ob.order(buyer, allocation, mou, ordered_on=back(today, 40), late_reason=f"  {REASON} ")
    assert late.late_reason == REASON and late.created_at >= now
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "order.placed", AuditEvent.object_id == late.id)
    )
    assert event.after["late_reason"] == REASON and event.after["ordered_on"] == back(today, 40).isoformat()
    assert event.reason == REASON


def test_the_limit_is_counted_in_whole_seoul_days_and_comes_from_the_setting(app, ob, expired_yesterday, today):
    buyer, mou, allocation = expired_yesterday
    assert ob.order(buyer, allocation, mou, ordered_on=back(today, 30)).late_reason == ""
    with pytest.raises(PlacementRefused, match="31 days back"):
        ob.order(buyer, allocation, mou, ordered_on=back(today, 31))
    app.config["LATE_REGISTRATION_DAYS"] = 10
    with pytest.raises(PlacementRefused, match="14 days back, more than 10 days"):
        ob.order(buyer, allocation, mou, ordered_on=back(today, 14))


def test_a_reason_given_for_an_order_that_is_not_late_is_not_kept(app, ob, expired_yesterday, today):
    buyer, mou, allocation = expired_yesterday
    order = ob.order(buyer, allocation, mou, ordered_on=back(today, 3), late_reason="just in case")
    assert order.late_reason == ""


def test_a_contract_date_before_the_rounds_publication_is_refused(app, ob, expired_yesterday, today):
    buyer, mou, allocation = expired_yesterday
    with pytest.raises(PlacementRefused, match="before the round's publication on") as refused:
        ob.order(buyer, allocation, mou, ordered_on=back(today, 61), late_reason=REASON)
    assert back(today, 60).isoformat() in str(refused.value)
    assert ob.order(buyer, allocation, mou, ordered_on=back(today, 60), late_reason=REASON).id


def test_a_late_registration_setting_is_read_from_the_environment(monkeypatch):
    from marketplace.config import from_environment

    assert from_environment()["LATE_REGISTRATION_DAYS"] == 30
    monkeypatch.setenv("LATE_REGISTRATION_DAYS", "45")
    assert from_environment()["LATE_REGISTRATION_DAYS"] == 45


def test_the_purchase_report_prints_recording_times_and_lists_late_registrations(app, ob, expired_yesterday, today):
    from marketplace.services import report_documents as documents

    buyer, mou, allocation = expired_yesterday
    on_time = ob.order(buyer, allocation, mou, ordered_on=back(today, 14))
    late = ob.order(buyer, allocation, mou, ordered_on=back(today, 40), late_reason=REASON)
    scope = data.Scope(buyer.institution_id, back(today, 90), today, language="ko")
    report = data.load_purchase_report(scope, today)
    assert [line.number for line in report.late] == [late.number]
    assert {line.number: line.recorded_at for line in report.lines} == {
        on_time.number: on_time.created_at,
        late.number: late.created_at,
    }
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    logger, handler = watch_weasyprint()
    try:
        text = "\n".join(pdf_text(documents.purchase_report(buyer, scope).pdf))
    finally:
        logger.removeHandler(handler)
    assert handler.missing_glyphs() == []
    assert "지연 등록" in text and "현장 사무소 계약서 전달 지연" in text
    assert kst_text(late.created_at) in text
