"""After the pilot: follow-on purchases outside the quota, their rate, and corrective actions that block applying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.domain.corrective_actions import CorrectiveActionRefused
from marketplace.domain.errors import NotFound
from marketplace.domain.follow_ons import FollowOnRefused
from marketplace.domain.orders import InvalidTransition
from marketplace.domain.states import ApplicationStatus, CorrectiveActionCause, CorrectiveActionState, FollowOnStatus
from marketplace.extensions import db
from marketplace.models import Allocation, Application, AuditEvent, CorrectiveAction, FollowOnPurchase, Mou
from marketplace.reports.summary import Scope
from marketplace.services import applications, corrective_actions, follow_ons, orders, report_data
from marketplace.services import rounds as round_service
from marketplace.services.corrective_actions import ApplicationBlocked
from tests import clock
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import RoundBuilders

SCORES = {"conformance": 4, "quality": 4, "delivery": 4, "support": 4, "overall": 4}


@pytest.fixture
def ob(make):
    return OrderBuilders(make)


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def completed(ob, buyer, allocation, mou, **kw):
    """A pilot order whose goods were accepted at inspection today."""
    order = ob.order(buyer, allocation, mou, **kw)
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, "accepted", "", clock.today())
    return order


def follow_on(day, **kw) -> follow_ons.FollowOnInput:
    values = dict(
        contracted_on=day, quantity=2, amount_krw=3_000_000, contract_method="private_contract", reference="FO-1"
    )
    return follow_ons.FollowOnInput(**(values | kw))


# --- follow-on purchases -------------------------------------------------------------------------


def test_a_follow_on_purchase_is_recorded_without_touching_the_quota_or_the_allocation(app, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    order = completed(ob, buyer, allocation, mou)
    balance, ordered = db.session.get(Mou, mou.id).balance_krw, db.session.get(Allocation, allocation.id).ordered_krw

    purchase = follow_ons.record_follow_on(buyer, order.id, follow_on(clock.today()))

    assert (purchase.status, purchase.amount_krw, purchase.product_id) == ("recorded", 3_000_000, order.product_id)
    db.session.expire_all()
    assert db.session.get(Mou, mou.id).balance_krw == balance == 9_000_000
    assert db.session.get(Allocation, allocation.id).ordered_krw == ordered
    assert events("follow_on.recorded") == 1


def test_the_contract_date_may_be_the_pilot_orders_date_or_today_but_not_before_or_after(app, ob):
    buyer, mou, allocation = ob.setup()
    today = clock.today()
    order = completed(ob, buyer, allocation, mou, ordered_on=today - timedelta(days=10))

    follow_ons.record_follow_on(buyer, order.id, follow_on(today - timedelta(days=10)), today=today)
    follow_ons.record_follow_on(buyer, order.id, follow_on(today), today=today)
    with pytest.raises(FollowOnRefused, match="before the pilot order"):
        follow_ons.record_follow_on(buyer, order.id, follow_on(today - timedelta(days=11)), today=today)
    with pytest.raises(FollowOnRefused, match="future"):
        follow_ons.record_follow_on(buyer, order.id, follow_on(today + timedelta(days=1)), today=today)
    assert db.session.scalar(select(func.count()).select_from(FollowOnPurchase)) == 2


def test_only_a_pilot_order_whose_goods_were_accepted_can_be_bought_again(app, ob):
    buyer, mou, allocation = ob.setup()
    placed = ob.order(buyer, allocation, mou)
    rejected = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, rejected.id, clock.today())
    orders.inspect(buyer, rejected.id, "rejected", "broken on arrival", clock.today())
    for order in (placed, rejected):
        with pytest.raises(FollowOnRefused, match="accepted at inspection"):
            follow_ons.record_follow_on(buyer, order.id, follow_on(clock.today()))


def test_another_institutions_order_or_follow_on_is_not_found(app, ob, make):
    buyer, mou, allocation = ob.setup()
    order = completed(ob, buyer, allocation, mou)
    purchase = follow_ons.record_follow_on(buyer, order.id, follow_on(clock.today()))
    stranger = make.user("buyer")
    with pytest.raises(NotFound):
        follow_ons.record_follow_on(stranger, order.id, follow_on(clock.today()))
    with pytest.raises(NotFound):
        follow_ons.cancel_follow_on(stranger, purchase.id, "not ours")


def test_a_follow_on_purchase_is_cancelled_once_with_a_reason(app, ob):
    buyer, mou, allocation = ob.setup()
    order = completed(ob, buyer, allocation, mou)
    purchase = follow_ons.record_follow_on(buyer, order.id, follow_on(clock.today()))
    with pytest.raises(FollowOnRefused, match="reason"):
        follow_ons.cancel_follow_on(buyer, purchase.id, "  ")
    follow_ons.cancel_follow_on(buyer, purchase.id, "recorded twice")
    with pytest.raises(FollowOnRefused, match="already cancelled"):
        follow_ons.cancel_follow_on(buyer, purchase.id, "again")
    db.session.expire_all()
    kept = db.session.get(FollowOnPurchase, purchase.id)
    assert (kept.status, kept.cancel_reason) == (FollowOnStatus.CANCELLED, "recorded twice")
    assert events("follow_on.cancelled") == 1


# --- the follow-on rate --------------------------------------------------------------------------


def test_the_follow_on_rate_counts_distinct_completed_pilot_products_per_institution_and_overall(app, ob, make):
    """Institution A completed pilot orders of p1, p2 and p3 (p1 twice); B of p1, and has p4 only placed.

    A bought p1 again, and p2 too but cancelled that: A is 1 of 3. B bought p1 again: 1 of 1.
    Overall the distinct products p1, p2, p3 (p4 is not completed): p1 bought again, 1 of 3.
    """
    buyer_a, mou_a, alloc_a1 = ob.setup(committed=100_000_000)
    p1 = alloc_a1.application.product
    p2, p3, p4 = make.product(), make.product(), make.product()
    a1 = completed(ob, buyer_a, alloc_a1, mou_a)
    completed(ob, buyer_a, alloc_a1, mou_a)
    a2 = completed(ob, buyer_a, ob.allocation(buyer_a.institution, p2), mou_a)
    completed(ob, buyer_a, ob.allocation(buyer_a.institution, p3), mou_a)
    buyer_b = make.user("buyer")
    mou_b = ob.mou(buyer_b.institution)
    b1 = completed(ob, buyer_b, ob.allocation(buyer_b.institution, p1), mou_b)
    ob.order(buyer_b, ob.allocation(buyer_b.institution, p4), mou_b)
    follow_ons.record_follow_on(buyer_a, a1.id, follow_on(clock.today()))
    cancelled = follow_ons.record_follow_on(buyer_a, a2.id, follow_on(clock.today()))
    follow_ons.cancel_follow_on(buyer_a, cancelled.id, "wrong order")
    follow_ons.record_follow_on(buyer_b, b1.id, follow_on(clock.today()))

    overall, rows = follow_ons.follow_on_overview(clock.today() - timedelta(days=1), clock.today())

    assert (overall.pilot_products, overall.bought_again) == (3, 1)
    by_id = {row.institution.id: (row.rate.pilot_products, row.rate.bought_again) for row in rows}
    assert by_id == {buyer_a.institution_id: (3, 1), buyer_b.institution_id: (1, 1)}
    assert round(overall.pct, 1) == 33.3

    report = report_data.load_purchase_report(
        Scope(buyer_a.institution_id, clock.today() - timedelta(days=1), clock.today()), clock.today()
    )
    assert (report.follow_on.pilot_products, report.follow_on.bought_again) == (3, 1)
    program = report_data.load_purchase_report(
        Scope(None, clock.today() - timedelta(days=1), clock.today()), clock.today()
    )
    assert (program.follow_on.pilot_products, program.follow_on.bought_again) == (3, 1)
    codes = {buyer_a.institution.code: (3, 1), buyer_b.institution.code: (1, 1)}
    assert {k: (v.pilot_products, v.bought_again) for k, v in program.follow_on_by_institution.items()} == codes


def test_pilot_orders_outside_the_period_do_not_count(app, ob):
    buyer, mou, allocation = ob.setup()
    order = completed(ob, buyer, allocation, mou, ordered_on=clock.today() - timedelta(days=5))
    follow_ons.record_follow_on(buyer, order.id, follow_on(clock.today()))
    overall, _rows = follow_ons.follow_on_overview(clock.today() - timedelta(days=4), clock.today())
    assert (overall.pilot_products, overall.bought_again) == (0, 0)
    overall, _rows = follow_ons.follow_on_overview(clock.today() - timedelta(days=5), clock.today())
    assert (overall.pilot_products, overall.bought_again) == (1, 1)


# --- corrective actions: opening -----------------------------------------------------------------


def test_an_evaluation_under_the_threshold_opens_one_corrective_action_even_if_posted_again(app, ob):
    buyer, mou, allocation = ob.setup()
    order = completed(ob, buyer, allocation, mou)
    orders.evaluate(buyer, order.id, SCORES | {"overall": 2}, False, "failed after a week")
    with pytest.raises(InvalidTransition):
        orders.evaluate(buyer, order.id, SCORES | {"overall": 1}, False, "again")

    action = db.session.scalars(select(CorrectiveAction)).one()
    assert (action.order_id, action.company_id, action.state) == (
        order.id,
        order.product.company_id,
        CorrectiveActionState.OPENED,
    )
    assert action.cause == CorrectiveActionCause.LOW_EVALUATION and action.finding == "2/5 < 3"
    assert events("corrective_action.opened") == 1


def test_an_evaluation_at_the_threshold_opens_none_and_the_threshold_is_configurable(app, ob):
    buyer, mou, allocation = ob.setup()
    first, second = completed(ob, buyer, allocation, mou), completed(ob, buyer, allocation, mou)
    orders.evaluate(buyer, first.id, SCORES | {"overall": 3}, True, "")
    assert corrective_actions.action_of_order(first.id) is None
    app.config["CORRECTIVE_ACTION_SCORE"] = 4
    orders.evaluate(buyer, second.id, SCORES | {"overall": 3}, True, "")
    assert corrective_actions.action_of_order(second.id) is not None


def test_goods_rejected_at_inspection_open_a_corrective_action(app, ob):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, "rejected", "wrong model delivered", clock.today())
    action = corrective_actions.action_of_order(order.id)
    assert (action.cause, action.finding, action.state) == ("rejected_inspection", "wrong model delivered", "opened")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "corrective_action.opened"))
    assert event.company_id == order.product.company_id and event.object_id == action.id


def test_the_inspection_is_not_saved_when_its_corrective_action_cannot_be(app, ob, monkeypatch):
    """One transaction: a failure while opening the corrective action leaves the order as it was."""
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, clock.today())

    def fail(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(corrective_actions, "open_after_rejection", fail)
    with pytest.raises(RuntimeError):
        orders.inspect(buyer, order.id, "rejected", "wrong model delivered", clock.today())
    db.session.rollback()
    assert db.session.get(type(order), order.id).status == "delivered"
    assert events("order.inspected") == 0


# --- corrective actions: transitions -------------------------------------------------------------


@pytest.fixture
def opened(app, ob, make):
    """A corrective action opened by a rejected inspection; its supplier, and ministry staff."""
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    orders.deliver(buyer, order.id, clock.today())
    orders.inspect(buyer, order.id, "rejected", "scratched casing", clock.today())
    supplier = make.user("supplier", company_id=order.product.company_id)
    return corrective_actions.action_of_order(order.id), supplier, make.user("ministry")


def test_the_plan_is_due_after_today_and_only_its_company_may_submit_it(opened, make):
    action, supplier, _staff = opened
    today = clock.today()
    with pytest.raises(CorrectiveActionRefused, match="after today"):
        corrective_actions.submit_plan(supplier, action.id, "retrain the line", today, today=today)
    with pytest.raises(CorrectiveActionRefused, match="Describe"):
        corrective_actions.submit_plan(supplier, action.id, " ", today + timedelta(days=1), today=today)
    with pytest.raises(NotFound):
        corrective_actions.submit_plan(make.user("supplier"), action.id, "x", today + timedelta(days=1), today=today)
    done = corrective_actions.submit_plan(
        supplier, action.id, "retrain the line", today + timedelta(days=1), today=today
    )
    assert (done.state, done.plan, done.due_on) == ("plan_submitted", "retrain the line", today + timedelta(days=1))
    assert events("corrective_action.plan_submitted") == 1


def test_a_rejected_plan_is_submitted_again_and_then_accepted(opened):
    action, supplier, staff = opened
    due = clock.today() + timedelta(days=30)
    corrective_actions.submit_plan(supplier, action.id, "first plan", due)
    with pytest.raises(CorrectiveActionRefused, match="reason"):
        corrective_actions.decide(staff, action.id, "reject", "")
    assert corrective_actions.decide(staff, action.id, "reject", "too vague").state == "rejected"
    corrective_actions.submit_plan(supplier, action.id, "second plan: new supplier of casings", due)
    accepted = corrective_actions.decide(staff, action.id, "accept", "")
    assert accepted.state == CorrectiveActionState.ACCEPTED and accepted.plan.startswith("second plan")
    assert [events(f"corrective_action.{s}") for s in ("plan_submitted", "rejected", "accepted")] == [2, 1, 1]


def test_illegal_transitions_are_refused_and_change_nothing(opened):
    action, supplier, staff = opened
    with pytest.raises(CorrectiveActionRefused):
        corrective_actions.decide(staff, action.id, "accept", "")  # no plan yet
    with pytest.raises(CorrectiveActionRefused):
        corrective_actions.decide(staff, action.id, "reject", "no plan")
    with pytest.raises(CorrectiveActionRefused):
        corrective_actions.decide(staff, action.id, "submit_plan", "")  # not a staff decision
    corrective_actions.submit_plan(supplier, action.id, "plan", clock.today() + timedelta(days=3))
    corrective_actions.decide(staff, action.id, "accept", "")
    with pytest.raises(CorrectiveActionRefused):
        corrective_actions.submit_plan(supplier, action.id, "another", clock.today() + timedelta(days=3))
    with pytest.raises(CorrectiveActionRefused):
        corrective_actions.decide(staff, action.id, "close", "after all")
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).state == "accepted"


def test_staff_may_close_an_open_corrective_action_with_a_reason(opened):
    action, _supplier, staff = opened
    with pytest.raises(CorrectiveActionRefused, match="reason"):
        corrective_actions.decide(staff, action.id, "close", " ")
    assert corrective_actions.decide(staff, action.id, "close", "the buyer withdrew the finding").state == "closed"


# --- corrective actions: blocking applications ---------------------------------------------------


def _application_input():
    return applications.ApplicationInput(amount_krw=10_000_000, preferred_codes=[], statement="again")


def test_an_unresolved_corrective_action_blocks_new_applications_until_accepted(opened, make):
    action, supplier, staff = opened
    round_ = RoundBuilders(make).round()
    product = make.product(supplier.company)
    with pytest.raises(ApplicationBlocked) as blocked:
        applications.apply(supplier, round_.code, product.id, _application_input())
    assert action.number in str(blocked.value) and "corrective action" in str(blocked.value)
    corrective_actions.submit_plan(supplier, action.id, "plan", clock.today() + timedelta(days=3))
    with pytest.raises(ApplicationBlocked):
        applications.apply(supplier, round_.code, product.id, _application_input())
    corrective_actions.decide(staff, action.id, "accept", "")
    application = applications.apply(supplier, round_.code, product.id, _application_input())
    assert application.status == ApplicationStatus.SUBMITTED


def test_at_close_an_application_of_a_company_with_an_unresolved_action_is_ineligible(opened, make):
    action, supplier, staff = opened
    rounds = RoundBuilders(make)
    round_ = rounds.round()
    blocked = rounds.application(round_, make.product(supplier.company))
    fine = rounds.application(round_, make.product())
    round_service.close_round(staff, round_.code, at=round_.closes_at + timedelta(minutes=2))
    db.session.expire_all()
    assert db.session.get(Application, blocked.id).eligibility_reasons == ["corrective_action_open"]
    assert db.session.get(Application, fine.id).status == ApplicationStatus.ELIGIBLE


def test_the_purchase_report_pdf_states_the_follow_on_rate_and_its_definition(app, make):
    from datetime import date

    from marketplace.services import report_documents
    from tests.builders_reports import ReportBuilders
    from tests.pdf_checks import pdf_text

    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    builders = ReportBuilders(make)
    buyer = make.user("buyer")
    again = builders.purchase(buyer, status="evaluated", inspection_result="accepted")
    builders.purchase(buyer, status="inspected", inspection_result="accepted")
    builders.purchase(buyer, status="inspected", inspection_result="rejected")
    db.session.add(
        FollowOnPurchase(
            order_id=again.id,
            institution_id=again.institution_id,
            product_id=again.product_id,
            buyer_id=buyer.id,
            contracted_on=date(2018, 11, 1),
            quantity=1,
            amount_krw=1_000_000,
            contract_method="general_tender",
            reference="FO-2018-1",
        )
    )
    db.session.commit()
    scope = Scope(buyer.institution_id, date(2018, 1, 1), date(2018, 12, 31), language="en")
    text = "\n".join(pdf_text(report_documents.purchase_report(buyer, scope).pdf))
    assert "Follow-on rate" in text and "50.0%" in text  # 2 pilot products completed, 1 bought again
    korean = "\n".join(
        pdf_text(report_documents.purchase_report(buyer, Scope(**{**scope.__dict__, "language": "ko"})).pdf)
    )
    assert "후속 구매율" in korean
