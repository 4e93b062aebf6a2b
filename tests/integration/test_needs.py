"""The demand-driven track on the database: post, propose, shortlist, committee, selection, order, certificate."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.clock import seoul_date
from marketplace.domain.errors import NotFound
from marketplace.domain.needs import Decision, NeedError
from marketplace.domain.rounds import RoundError
from marketplace.extensions import db
from marketplace.models import Allocation, AuditEvent, NeedProposal, Notification, Round
from marketplace.models.types import as_at
from marketplace.reports.track_figures import NEED_POOL
from marketplace.services import (
    draws,
    need_figures,
    need_selection,
    needs,
    relief_certificates,
    report_data,
    report_tracks,
)
from tests.builders_needs import NeedBuilders
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import Clock
from tests.pdf_checks import pdf_text

GOOD = (35, 25, 25)  # 85
FAIR = (30, 22, 20)  # 72
POOR = (20, 15, 15)  # 50


@pytest.fixture
def moment(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def build(make, moment):
    return NeedBuilders(make, moment)


@pytest.fixture
def staff(make):
    return make.user("ministry", name="수요담당")


def kinds_of(user_id: int) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.recipient_id == user_id)))


def test_posting_a_need_tells_the_suppliers_of_its_category_and_numbers_it(app, make, build):
    listed = make.user("supplier")
    make.product(listed.company, category="electronics")
    elsewhere = make.user("supplier")
    make.product(elsewhere.company, category="medical")
    need = build.need()
    assert need.number.startswith("N-") and need.number.endswith(f"{need.id:06d}")
    assert kinds_of(listed.id) == ["need_posted"]
    assert kinds_of(elsewhere.id) == []
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "Need")) == "need.posted"


def test_a_proposal_is_taken_once_per_product_and_tells_the_institution(app, make, build):
    buyer = make.user("buyer")
    need = build.need(buyer)
    supplier = make.user("supplier")
    product = make.product(supplier.company, category="electronics")
    build.proposal(need, supplier, product)
    with pytest.raises(NeedError):
        build.proposal(need, supplier, product)
    assert kinds_of(buyer.id) == ["proposal_received"]


def test_a_product_outside_the_category_or_of_another_company_cannot_be_proposed(app, make, build):
    need = build.need()
    supplier = make.user("supplier")
    medical = make.product(supplier.company, category="medical")
    others = make.product(make.company(), category="electronics")
    for product in (medical, others):
        with pytest.raises(NeedError):
            needs.propose(supplier, need.id, product.id, "제안")


def test_the_deadline_minute_takes_proposals_and_the_next_does_not(app, make, build, moment):
    need = build.need()
    moment.now = need.deadline_at + timedelta(seconds=59)
    build.proposal(need)
    moment.now = need.deadline_at + timedelta(minutes=1)
    with pytest.raises(NeedError):
        build.proposal(need)


def test_only_the_proposing_company_withdraws_its_proposal_and_only_before_the_deadline(app, make, build):
    need = build.need()
    supplier = make.user("supplier")
    proposal = build.proposal(need, supplier)
    with pytest.raises(NotFound):
        needs.withdraw_proposal(make.user("supplier"), proposal.id)
    needs.withdraw_proposal(supplier, proposal.id)
    with pytest.raises(NeedError):
        needs.withdraw_proposal(supplier, proposal.id)
    late = build.proposal(need, supplier)
    build.past_deadline(need)
    with pytest.raises(NeedError):
        needs.withdraw_proposal(supplier, late.id)


def test_the_shortlist_waits_for_the_deadline_needs_every_reason_and_another_institution_cannot_send_it(
    app, make, build
):
    buyer = make.user("buyer")
    need = build.need(buyer)
    first, second = build.proposal(need), build.proposal(need)
    with pytest.raises(NeedError):
        build.shortlist(buyer, need, [first], [second])  # before the deadline
    build.past_deadline(need)
    with pytest.raises(NotFound):
        build.shortlist(make.user("buyer"), need, [first], [second])
    with pytest.raises(NeedError):
        blank = [Decision(first.id, True, "좋음"), Decision(second.id, False, " ")]
        need_selection.send_shortlist(buyer, need.id, blank)
    with pytest.raises(NeedError):
        need_selection.send_shortlist(buyer, need.id, [Decision(first.id, True, "좋음")])
    sent = build.shortlist(buyer, need, [first], [second])
    assert sent.status == "evaluating"
    with pytest.raises(NeedError):
        build.shortlist(buyer, need, [first], [second])


def test_sending_the_shortlist_makes_a_closed_round_of_the_institution_with_the_shortlisted_proposals(app, make, build):
    buyer = make.user("buyer")
    need = build.need(buyer)
    chosen, dropped = build.proposal(need), build.proposal(need)
    build.past_deadline(need)
    build.shortlist(buyer, need, [chosen], [dropped])
    round_ = db.session.get(Round, need.round_id)
    assert round_.code == need.number and round_.status == "closed" and round_.pass_mark == 70
    assert [(b.institution_id, b.budget_krw) for b in round_.budgets] == [(buyer.institution_id, need.budget_krw)]
    assert [(a.product_id, a.status, a.amount_krw) for a in round_.applications] == [
        (chosen.product_id, "eligible", need.budget_krw)
    ]
    assert dropped.status == "not_shortlisted" and dropped.shortlist_reason == "사양 미달"


def test_no_shortlisted_proposal_closes_the_need_without_a_selection(app, make, build):
    buyer = make.user("buyer")
    need = build.need(buyer)
    proposal = build.proposal(need)
    build.past_deadline(need)
    closed = build.shortlist(buyer, need, [], [proposal])
    assert closed.status == "closed" and closed.round_id is None


def test_the_best_passing_score_is_selected_and_becomes_the_institutions_allocation(app, make, build, staff):
    buyer = make.user("buyer")
    need = build.need(buyer)
    low, high = build.proposal(need), build.proposal(need)
    build.past_deadline(need)
    build.shortlist(buyer, need, [low, high])
    with pytest.raises(NeedError):
        need_selection.select_for_need(staff, need.id)  # the scores are not final
    round_ = db.session.get(Round, need.round_id)
    with pytest.raises(RoundError):
        draws.freeze_pool(staff, round_.code)
    build.committee_scores(staff, need, {low.id: [FAIR, FAIR], high.id: [GOOD, GOOD]})
    decided = need_selection.select_for_need(staff, need.id)
    assert decided.status == "selected"
    assert (low.status, high.status) == ("not_selected", "selected")
    allocation = db.session.scalars(select(Allocation)).one()
    assert (allocation.institution_id, allocation.amount_krw) == (buyer.institution_id, need.budget_krw)
    assert allocation.application_id == high.application_id and allocation.valid_from is not None
    assert db.session.get(Round, need.round_id).status == "published"
    assert "allocations_published" in kinds_of(buyer.id)
    with pytest.raises(NeedError):
        need_selection.select_for_need(staff, need.id)


def test_equal_scores_go_to_the_proposal_made_first_and_none_passing_closes_the_need(app, make, build, staff):
    buyer = make.user("buyer")
    need = build.need(buyer)
    first, second = build.proposal(need), build.proposal(need)
    build.past_deadline(need)
    build.shortlist(buyer, need, [first, second])
    build.committee_scores(staff, need, {first.id: [FAIR], second.id: [FAIR]})
    need_selection.select_for_need(staff, need.id)
    assert (first.status, second.status) == ("selected", "not_selected")
    told = db.session.scalars(select(Notification).where(Notification.kind == "selection_result")).all()
    assert sorted(n.params["variant"] for n in told) == ["outscored", "selected"]

    other = build.need(buyer)
    weak = build.proposal(other)
    build.past_deadline(other)
    build.shortlist(buyer, other, [weak])
    build.committee_scores(staff, other, {weak.id: [POOR]})
    assert need_selection.select_for_need(staff, other.id).status == "closed"
    assert weak.status == "not_selected"


def test_the_institution_orders_the_selection_and_its_certificate_cites_the_need_and_the_minutes(
    app, make, build, staff, moment
):
    buyer = make.user("buyer")
    mou = OrderBuilders(make).mou(buyer.institution, committed=100_000_000)
    need = build.need(buyer)
    proposal = build.proposal(need)
    build.past_deadline(need)
    build.shortlist(buyer, need, [proposal])
    build.committee_scores(staff, need, {proposal.id: [GOOD]})
    need_selection.select_for_need(staff, need.id)
    allocation = db.session.scalars(select(Allocation)).one()
    with as_at(moment.now):  # the order is placed after the selection, on the moved clock's day
        day = seoul_date(moment.now)
        order = OrderBuilders(make).order(buyer, allocation, mou, quantity=10, unit_price=3_000_000, ordered_on=day)
        certificate = relief_certificates.issue(buyer, order.id)
    assert order.amount_krw == need.budget_krw
    facts = json.loads(certificate.facts_json)
    assert facts["need"]["number"] == need.number
    assert facts["committee"]["minutes_sha256"] == db.session.get(Round, need.round_id).minutes_sha256
    printed = "".join("".join(pdf_text(certificate.pdf)).split())
    assert need.number in printed and facts["committee"]["minutes_sha256"][:16] in printed
    report = report_data.load_purchase_report(report_data.Scope(buyer.institution_id, day, day), day)
    assert [
        (t.kind, t.applications, t.selected, t.budget_krw, t.allocated_krw, t.ordered_krw) for t in report.tracks
    ] == [
        (NEED_POOL, 1, 1, need.budget_krw, need.budget_krw, order.amount_krw)
    ]  # the need's round is the demand-driven track in the figures per track, not a single pool
    staff_rows = {code: row.kind for code, row in [(r.code, t) for r, t in report_tracks.round_track_figures()]}
    assert staff_rows[db.session.get(Round, need.round_id).code] == NEED_POOL


def test_withdrawing_a_need_needs_a_reason_and_stops_proposals(app, make, build):
    buyer = make.user("buyer")
    need = build.need(buyer)
    with pytest.raises(NotFound):
        needs.withdraw_need(make.user("buyer"), need.id, "예산 삭감")
    with pytest.raises(NeedError):
        needs.withdraw_need(buyer, need.id, " ")
    needs.withdraw_need(buyer, need.id, "예산 삭감")
    with pytest.raises(NeedError):
        build.proposal(need)


def test_the_ministrys_figures_count_needs_proposals_and_selections(app, make, build, staff):
    buyer = make.user("buyer")
    selected, closed, withdrawn = build.need(buyer), build.need(buyer), build.need(buyer)
    chosen, dropped = build.proposal(selected), build.proposal(selected)
    lone = build.proposal(closed)
    needs.withdraw_need(buyer, withdrawn.id, "예산 삭감")
    build.past_deadline(selected)
    build.shortlist(buyer, selected, [chosen], [dropped])
    build.shortlist(buyer, closed, [], [lone])
    build.committee_scores(staff, selected, {chosen.id: [GOOD]})
    need_selection.select_for_need(staff, selected.id)
    figures = need_figures.figures()
    assert (figures.posted, figures.withdrawn, figures.selected, figures.closed, figures.evaluating) == (2, 1, 1, 1, 0)
    assert (figures.proposals, figures.shortlisted, figures.selected_budget_krw) == (3, 1, selected.budget_krw)


def test_a_selected_supplier_withdraws_before_any_order_and_nobody_is_promoted(app, make, build, staff):
    from marketplace.services import applications

    buyer, supplier = make.user("buyer"), make.user("supplier")
    need = build.need(buyer)
    proposal, other = build.proposal(need, supplier), build.proposal(need)
    build.past_deadline(need)
    build.shortlist(buyer, need, [proposal, other])
    build.committee_scores(staff, need, {proposal.id: [GOOD], other.id: [FAIR]})
    need_selection.select_for_need(staff, need.id)
    assert applications.withdraw(supplier, proposal.application_id, "생산 일정 차질") is None
    assert db.session.scalars(select(Allocation.status)).one() == "withdrawn"


def test_a_suspended_institution_cannot_post_a_need(app, make, build):
    buyer = make.user("buyer")
    buyer.institution.status = "suspended"
    db.session.commit()
    with pytest.raises(NeedError):
        build.need(buyer)


def test_a_round_already_holding_the_needs_number_refuses_the_shortlist_and_saves_nothing(app, make, build):
    from tests.builders_rounds import RoundBuilders

    buyer = make.user("buyer")
    need = build.need(buyer)
    proposal = build.proposal(need)
    RoundBuilders(make).round(code=need.number)
    build.past_deadline(need)
    with pytest.raises(NeedError):
        build.shortlist(buyer, need, [proposal])
    db.session.rollback()
    assert db.session.get(NeedProposal, proposal.id).status == "submitted"
