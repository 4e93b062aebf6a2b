"""The demand-driven track's pages: post a need, propose, withdraw, shortlist with reasons, select; bad input
answers 400 with the form, another institution or company gets 404, and a form sent twice changes things once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.domain.clock import seoul_date
from marketplace.extensions import db
from marketplace.models import Need, NeedProposal
from tests.builders_needs import NeedBuilders
from tests.builders_rounds import Clock
from tests.functional.test_one_time_keys import rendered_form

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


@pytest.fixture
def moment(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def build(make, moment):
    return NeedBuilders(make, moment)


def need_form(client, moment, **overrides) -> dict:
    day = seoul_date(moment.now + timedelta(days=10)).isoformat()
    values = dict(
        title="정수장 수질 센서",
        problem="탁도를 실시간으로 측정할 센서가 필요합니다.",
        quantity="10",
        budget="30,000,000",
        category="electronics",
        deadline_on=day,
        deadline_time="18:00",
    )
    return rendered_form(client, "/buyer/needs/new", "/buyer/needs/new", **{**values, **overrides})


def test_a_buyer_posts_a_need_that_anyone_reads_with_its_institution_and_budget(client, auth, make, moment):
    buyer = make.user("buyer")
    auth.login(buyer)
    response = client.post("/buyer/needs/new", data=need_form(client, moment))
    assert response.status_code == 302
    need = db.session.scalars(select(Need)).one()
    assert need.institution_id == buyer.institution_id and need.budget_krw == 30_000_000
    auth.logout()
    listing = client.get("/needs", headers=KO).get_data(as_text=True)
    assert need.number in listing and buyer.institution.name_ko in listing and "30,000,000" in listing
    page = client.get(f"/needs/{need.id}", headers=EN).get_data(as_text=True)
    assert "18:00 KST" in page and "탁도를" in page


@pytest.mark.parametrize(
    "field,value",
    [
        ("budget", "-5"),
        ("budget", "9" * 5000),
        ("quantity", "0"),
        ("quantity", "1e3"),
        ("category", "weapons"),
        ("deadline_on", "2018-02-30"),
        ("title", ""),
    ],
)
def test_a_need_with_bad_input_is_refused_with_the_form_and_nothing_is_saved(client, auth, make, moment, field, value):
    auth.login(make.user("buyer"))
    response = client.post("/buyer/needs/new", data=need_form(client, moment, **{field: value}), headers=EN)
    assert response.status_code == 400 and "Post the need" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Need.id))) == 0


def test_a_deadline_in_the_past_is_refused(client, auth, make, moment):
    auth.login(make.user("buyer"))
    past = seoul_date(moment.now - timedelta(days=2)).isoformat()
    response = client.post("/buyer/needs/new", data=need_form(client, moment, deadline_on=past), headers=EN)
    assert response.status_code == 400 and "later than now" in response.get_data(as_text=True)


def test_posting_the_same_form_twice_posts_one_need(client, auth, make, moment):
    auth.login(make.user("buyer"))
    data = need_form(client, moment)
    first, second = client.post("/buyer/needs/new", data=data), client.post("/buyer/needs/new", data=data)
    assert first.status_code == 302 and second.status_code in (302, 303)
    assert db.session.scalar(select(func.count(Need.id))) == 1


def test_a_supplier_proposes_once_even_when_the_form_is_sent_twice_and_withdraws(client, auth, make, build):
    need = build.need()
    supplier = make.user("supplier")
    product = make.product(supplier.company, category=need.category)
    auth.login(supplier)
    page = f"/supplier/needs/{need.id}/propose"
    data = rendered_form(client, page, page, product_id=str(product.id), note="실시간 탁도 센서")
    assert client.post(page, data=data).status_code == 302
    assert client.post(page, data=data).status_code in (302, 303)
    proposal = db.session.scalars(select(NeedProposal)).one()
    again = rendered_form(client, page, page, product_id=str(product.id), note="다시")
    response = client.post(page, data=again, headers=EN)
    assert response.status_code == 400 and "already proposed" in response.get_data(as_text=True)
    target = f"/supplier/proposals/{proposal.id}/withdraw"
    assert client.post(target, data=rendered_form(client, page, target)).status_code == 302
    db.session.refresh(proposal)
    assert proposal.status == "withdrawn"


def test_another_company_cannot_withdraw_a_proposal_nor_another_institution_open_or_shortlist_a_need(
    client, auth, make, build
):
    buyer = make.user("buyer")
    need = build.need(buyer)
    proposal = build.proposal(need)
    auth.login(make.user("supplier"))
    assert client.post(f"/supplier/proposals/{proposal.id}/withdraw").status_code == 404
    auth.logout()
    auth.login(make.user("buyer"))
    assert client.get(f"/buyer/needs/{need.id}").status_code == 404
    data = {f"decision-{proposal.id}": "yes", f"reason-{proposal.id}": "좋음"}
    assert client.post(f"/buyer/needs/{need.id}/shortlist", data=data).status_code == 404
    db.session.refresh(proposal)
    assert proposal.status == "submitted"


def test_the_shortlist_without_a_reason_is_refused_with_the_form_then_sent(client, auth, make, build):
    buyer = make.user("buyer")
    need = build.need(buyer)
    first, second = build.proposal(need), build.proposal(need)
    build.past_deadline(need)
    auth.login(buyer)
    page, target = f"/buyer/needs/{need.id}", f"/buyer/needs/{need.id}/shortlist"
    data = rendered_form(client, page, target, **{f"decision-{first.id}": "yes", f"reason-{first.id}": "사양 충족"})
    data |= {f"decision-{second.id}": "no", f"reason-{second.id}": ""}
    refused = client.post(target, data=data, headers=EN)
    assert refused.status_code == 400 and "Give the reason." in refused.get_data(as_text=True)
    data[f"reason-{second.id}"] = "가격 초과"
    assert client.post(target, data=data).status_code == 302
    db.session.refresh(need)
    assert need.status == "evaluating" and need.round_id is not None
    assert client.post(target, data=data).status_code in (302, 303)  # the repeat gets the first answer


def test_staff_see_the_needs_and_selecting_before_the_scores_are_final_is_refused(client, auth, make, build):
    buyer = make.user("buyer")
    need = build.need(buyer)
    proposal = build.proposal(need)
    build.past_deadline(need)
    build.shortlist(buyer, need, [proposal])
    auth.login(make.user("ministry"))
    assert need.number in client.get("/ministry/needs", headers=EN).get_data(as_text=True)
    page = client.get(f"/ministry/needs/{need.id}", headers=EN).get_data(as_text=True)
    assert f"/ministry/rounds/{need.number}/committee" in page
    data = rendered_form(client, f"/ministry/needs/{need.id}", f"/ministry/needs/{need.id}/select")
    refused = client.post(f"/ministry/needs/{need.id}/select", data=data, headers=EN)
    assert refused.status_code == 400 and "Finalise the committee" in refused.get_data(as_text=True)


def test_the_ministrys_reports_page_counts_the_needs(client, auth, make, build):
    build.need()
    auth.login(make.user("ministry"))
    page = client.get("/ministry/reports", headers=EN).get_data(as_text=True)
    assert 'id="needs"' in page and "Needs posted" in page


def test_the_round_pages_of_a_decided_need_serve_without_a_draw(client, auth, make, build):
    buyer, staff, supplier = make.user("buyer"), make.user("ministry"), make.user("supplier")
    need = build.need(buyer)
    proposal = build.proposal(need, supplier)
    build.past_deadline(need)
    build.shortlist(buyer, need, [proposal])
    build.committee_scores(staff, need, {proposal.id: [(35, 25, 25)]})
    from marketplace.services import need_selection

    need_selection.select_for_need(staff, need.id)
    assert client.get(f"/rounds/{need.number}").status_code == 200
    public = client.get(f"/needs/{need.id}", headers=KO).get_data(as_text=True)
    assert proposal.product.name_ko in public
    auth.login(supplier)
    assert client.get("/supplier/applications").status_code == 200
    assert client.get(f"/supplier/applications/{proposal.application_id}").status_code == 200
    auth.logout()
    auth.login(buyer)
    assert proposal.product.name_ko in client.get("/buyer/selected-products", headers=KO).get_data(as_text=True)
    assert client.get(f"/buyer/needs/{need.id}").status_code == 200
    auth.logout()
    auth.login(staff)
    assert client.get(f"/ministry/rounds/{need.number}").status_code == 200
    assert client.get(f"/ministry/needs/{need.id}").status_code == 200


def test_the_buyer_sees_the_remaining_quota_and_is_warned_of_a_budget_above_it(client, auth, make, moment):
    from tests.builders_orders import OrderBuilders

    buyer = make.user("buyer")
    OrderBuilders(make).mou(buyer.institution, committed=40_000_000)
    auth.login(buyer)
    form_page = client.get("/buyer/needs/new", headers=EN).get_data(as_text=True)
    assert "Your institution's remaining quota: KRW 40,000,000" in form_page
    client.post("/buyer/needs/new", data=need_form(client, moment, budget="30,000,000"))
    client.post("/buyer/needs/new", data=need_form(client, moment, budget="50,000,000"))
    within, above = db.session.scalars(select(Need).order_by(Need.id)).all()
    warning = "The budget is above your institution's remaining quota of KRW 40,000,000"
    assert warning not in client.get(f"/buyer/needs/{within.id}", headers=EN).get_data(as_text=True)
    assert warning in client.get(f"/buyer/needs/{above.id}", headers=EN).get_data(as_text=True)
    korean = client.get(f"/buyer/needs/{above.id}", headers=KO).get_data(as_text=True)
    assert "잔여 한도 40,000,000원보다 큽니다" in korean
