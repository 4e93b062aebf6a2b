"""Small-value track pages: the supplier's page leads into the batch open now and says whether the company
qualifies and why; the buyer's purchase page states the KRW 20,000,000 cap and the validity, and refuses above it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from marketplace.domain import small_track as st
from marketplace.domain.eligibility import WeightTiers
from marketplace.domain.states import TrackKind
from marketplace.domain.tracks import TrackRules
from marketplace.extensions import db
from marketplace.models import Order, RoundTrack
from marketplace.services import rounds as round_service
from marketplace.services import tracks as track_service
from tests import clock
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import Clock, RoundBuilders, kst
from tests.functional.test_buyer_orders import form

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


@pytest.fixture
def fixed_clock(monkeypatch):
    return Clock(monkeypatch, kst(date(2026, 11, 10), 10))


def _batch(make, year=2026, month=11):
    opens_at, closes_at = st.batch_window(year, month)
    round_ = RoundBuilders(make).round(
        code=st.batch_code(year, month),
        opens_at=opens_at,
        closes_at=closes_at,
        status="draft",
        seed_event_at=st.seed_event(year, month)[2],
    )
    staff = make.user("ministry")
    track_service.set_tracks(staff, round_.code, [TrackRules(TrackKind.SMALL, 100, 50_000_000, WeightTiers())])
    return round_service.open_round(staff, round_.code)


def test_the_supplier_page_leads_into_the_open_batch_and_says_why_the_company_qualifies(app, make, auth, fixed_clock):
    company = make.company(founded_on=date(1990, 1, 1), public_supply_krw=0, public_supply_count=0)
    certificate = make.certificate(company, issued_on=date(2025, 1, 1), expires_on=date(2030, 12, 31))
    make.product(company, certificates=[certificate])
    auth.login(make.user("supplier", company=company))
    empty = auth.client.get("/supplier/small-value-track", headers=EN)
    assert empty.status_code == 200 and "No batch is taking applications right now" in empty.get_data(as_text=True)
    batch = _batch(make)
    english = auth.client.get("/supplier/small-value-track", headers=EN).get_data(as_text=True)
    assert f"/supplier/rounds/{batch.code}/apply" in english and "Apply in batch SV-2026-11" in english
    assert "A first-timer (no public supply contract yet)" in english and "Qualifies" in english
    assert "each order at most KRW 20,000,000" in english
    korean = auth.client.get("/supplier/small-value-track", headers=KO).get_data(as_text=True)
    assert "소액과제" in korean and "공공조달 첫 진입 기업" in korean and "월별 회차" in korean
    apply_page = auth.client.get(f"/supplier/rounds/{batch.code}/apply", headers=EN).get_data(as_text=True)
    assert '<option selected value="small">' in apply_page or 'value="small" selected' in apply_page
    assert "/supplier/small-value-track" in auth.client.get("/supplier/applications").get_data(as_text=True)
    public = auth.client.get(f"/rounds/{batch.code}", headers=EN).get_data(as_text=True)
    assert "Small-value track" in public
    assert "Startups and first-timers with a public supply record of at most KRW 500,000,000" in public


def test_a_company_that_does_not_qualify_is_told_why(app, make, auth, fixed_clock):
    company = make.company(founded_on=date(1990, 1, 1), public_supply_krw=600_000_000, public_supply_count=5)
    auth.login(make.user("supplier", company=company))
    _batch(make)
    page = auth.client.get("/supplier/small-value-track", headers=EN).get_data(as_text=True)
    assert "Does not qualify" in page and "limit of 500,000,000 won" in page


def _small_selection(make, ob):
    buyer = make.user("buyer")
    mou = ob.mou(buyer.institution, committed=100_000_000)
    round_ = ob.published_round(published_days_ago=10)
    track = RoundTrack(
        kind=TrackKind.SMALL, share_percent=100, cap_krw=50_000_000, weight_first_timer=3, weight_startup=2
    )
    round_.tracks.append(track)
    published_on = clock.today() - timedelta(days=10)
    allocation = ob.allocation(
        buyer.institution,
        make.product(unit_price_krw=1_000_000),
        round_=round_,
        valid_until=st.selection_valid_until(published_on),
    )
    allocation.application.track = track
    db.session.commit()
    return buyer, mou, allocation


def test_the_purchase_page_states_the_cap_and_validity_and_refuses_one_won_over(app, make, auth):
    ob = OrderBuilders(make)
    buyer, mou, allocation = _small_selection(make, ob)
    auth.login(buyer)
    url = f"/buyer/purchase/{allocation.id}"
    page = auth.client.get(url, headers=EN).get_data(as_text=True)
    assert "Most per order" in page and "small-value direct-contract rule" in page
    assert f"valid until {allocation.valid_until.isoformat()}" in page
    assert "주문 한 건당 최대 금액" in auth.client.get(url, headers=KO).get_data(as_text=True)
    assert re.search(r'<option selected value="private_contract">|<option value="private_contract" selected', page)
    listed = auth.client.get("/buyer/selected-products", headers=EN).get_data(as_text=True)
    assert "Small-value track: at most KRW 20,000,000 per order" in listed
    assert f"valid until {allocation.valid_until.isoformat()}" in listed
    over = auth.client.post(url, data=form(mou, quantity="1", unit_price="20,000,001"), headers=KO)
    assert over.status_code == 400 and "소액 수의계약" in over.get_data(as_text=True)
    assert db.session.query(Order).count() == 0
    tender = form(mou, quantity="1", unit_price="20,000,000") | {"contract_method": "general_tender"}
    refused = auth.client.post(url, data=tender, headers=EN)
    assert refused.status_code == 400 and "bought by private contract" in refused.get_data(as_text=True)
    assert db.session.query(Order).count() == 0
    exact = auth.client.post(url, data=form(mou, quantity="1", unit_price="20,000,000"), headers=EN)
    assert exact.status_code == 302 and db.session.query(Order).one().amount_krw == 20_000_000


def test_staff_set_a_drafts_small_value_track_alone_and_not_beside_another(app, make, auth, fixed_clock):
    opens_at, closes_at = st.batch_window(2026, 12)
    round_ = RoundBuilders(make).round(code="SV-2026-12", opens_at=opens_at, closes_at=closes_at, status="draft")
    auth.login(make.user("ministry"))
    url = f"/ministry/rounds/{round_.code}/tracks"
    weights = {
        f"{kind}_weight_{tier}": w
        for kind in ("startup", "general", "small")
        for tier, w in (("first_timer", "3"), ("startup", "2"), ("general", "1"))
    }
    both = auth.client.post(
        url,
        data=weights
        | {"small_share": "50", "small_cap": "50,000,000", "startup_share": "50", "startup_cap": "50,000,000"},
        headers=EN,
    )
    assert both.status_code == 400 and "only track" in both.get_data(as_text=True) and round_.tracks == []
    alone = auth.client.post(url, data=weights | {"small_share": "100", "small_cap": "50,000,000"}, headers=EN)
    assert alone.status_code == 302
    assert [(t.kind, t.share_percent, t.cap_krw, t.record_limit_krw) for t in round_.tracks] == [
        ("small", 100, 50_000_000, None)
    ]
    korean = auth.client.get(url, headers=KO).get_data(as_text=True)
    assert "소액과제: 예산 비율(퍼센트)" in korean and 'value="100"' in korean


def test_after_the_close_the_supplier_sees_which_track_and_why(app, make, auth, fixed_clock):
    from marketplace.services import applications as apps

    company = make.company(founded_on=date(2022, 3, 1), public_supply_krw=500_000_000, public_supply_count=2)
    certificate = make.certificate(company, issued_on=date(2025, 1, 1), expires_on=date(2030, 12, 31))
    product = make.product(company, certificates=[certificate])
    user = make.user("supplier", company=company)
    batch = _batch(make)
    application = apps.apply(user, batch.code, product.id, apps.ApplicationInput(40_000_000, [], "", "small"))
    fixed_clock.now = batch.closes_at + timedelta(minutes=1)
    round_service.close_round(None, batch.code)
    auth.login(user)
    page = auth.client.get(f"/supplier/applications/{application.id}", headers=EN).get_data(as_text=True)
    assert (
        "Small-value track" in page and "A startup (founded 2022-03-01, within 7 years of the close 2026-11-30)" in page
    )
    assert "public supply record of 500,000,000 won, at most" in page


def test_the_api_refuses_an_order_above_the_cap_in_the_callers_language(app, make, client):
    from marketplace.services import api_tokens

    ob = OrderBuilders(make)
    buyer, mou, allocation = _small_selection(make, ob)
    headers = {"Authorization": "Bearer " + api_tokens.create_token(buyer, "ERP", "write", 90).secret}
    body = {
        "allocation_id": allocation.id,
        "mou_id": mou.id,
        "quantity": 1,
        "unit_price_krw": 20_000_001,
        "contract_method": "private_contract",
        "ordered_on": clock.today().isoformat(),
        "no_private_interest": True,
    }
    over = client.post("/api/v1/orders", json=body, headers=headers | KO)
    assert over.status_code == 422 and "소액 수의계약" in over.get_data(as_text=True)
    exact = client.post("/api/v1/orders", json=body | {"unit_price_krw": 20_000_000}, headers=headers | EN)
    assert exact.status_code == 201 and exact.get_json()["amount_krw"] == 20_000_000
