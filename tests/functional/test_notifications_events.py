"""Each change that tells someone reaches their inbox and their mail, once: rounds, allocations, orders,
quota, and what waits for the ministry's review."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import Allocation, Draw, Notification, OutboxMail
from marketplace.services import allocations, draws, institutions, orders, round_opening, rounds
from marketplace.services import applications as apps
from tests import clock
from tests.builders_allocations import build
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import RoundBuilders
from tests.builders_supplier import PDF, certificate_form, registration_form, sign_in
from tests.mail import sent


def told(user, kind: str | None = None) -> list[Notification]:
    query = db.session.query(Notification).filter_by(recipient_id=user.id)
    return query.filter_by(kind=kind).all() if kind else query.all()


def mailed(user) -> list[str]:
    return [m.body for m in sent(user.email)]


# --- rounds


def test_opening_a_round_tells_each_supplier_who_could_apply_once_in_one_job(app, make):
    can = make.user("supplier", language="en")
    make.product(can.company)
    no_product = make.user("supplier")
    pending = make.user("supplier", company=make.company(status="pending"))
    make.product(pending.company)
    staff = make.user("ministry")
    round_ = RoundBuilders(make).round(status="draft")
    rounds.open_round(staff, round_.code)
    [row] = told(can, "round_opened")
    assert row.params["round"] == round_.code and row.link == f"/rounds/{round_.code}"
    assert any(f"Round {round_.code} is open for applications until" in body for body in mailed(can))
    assert told(no_product) == [] and told(pending) == []
    assert round_opening.announce_round(round_.id, batch=1) == 0  # the job run again tells nobody twice
    assert len(told(can)) == 1 and db.session.query(OutboxMail).filter_by(recipient=can.email).count() == 1


def test_the_opening_only_queues_the_announcement_and_the_job_walks_the_suppliers_in_batches(app, make, monkeypatch):
    queued: list[int] = []
    monkeypatch.setitem(app.extensions, "announce_round", queued.append)
    suppliers = [make.user("supplier") for _ in range(5)]
    for supplier in suppliers:
        make.product(supplier.company)
    round_ = RoundBuilders(make).round(status="draft")
    rounds.open_round(make.user("ministry"), round_.code)
    assert queued == [round_.id] and db.session.query(Notification).count() == 0
    assert round_opening.announce_round(round_.id, batch=2) == 5
    assert {n.recipient_id for n in db.session.query(Notification)} == {s.id for s in suppliers}


def test_closing_tells_each_applicant_its_eligibility_with_the_reasons(app, make):
    rounds_ = RoundBuilders(make)
    now = clock.now()
    round_ = rounds_.round(opens_at=now - timedelta(days=10), closes_at=now - timedelta(hours=1))
    good = make.user("supplier", language="en")
    bad = make.user("supplier", company=make.company(status="pending"), language="en")
    passed = rounds_.application(round_, make.product(good.company))
    failed = rounds_.application(round_, make.product(bad.company))
    rounds.close_round(make.user("ministry"), round_.code)
    [ok] = told(good, "eligibility_result")
    [ko] = told(bad, "eligibility_result")
    assert ok.params["variant"] == "eligible" and ok.link == f"/supplier/applications/{passed.id}"
    assert ko.params["variant"] == "ineligible" and "company_not_approved" in ko.params["reasons"]
    assert any("did not pass the check: The company was not approved" in body for body in mailed(bad))
    assert failed.id


def test_publishing_tells_applicants_their_result_and_buyers_their_allocations(app, make):
    institution = make.institution()
    buyer = make.user("buyer", institution=institution, language="en")
    round_ = RoundBuilders(make).round(status="drawn", budgets=[(institution, 100_000_000)])
    winner, waiting, loser = (make.user("supplier", language="en") for _ in range(3))
    statuses = (("selected", winner), ("waitlisted", waiting), ("not_selected", loser))
    built = [RoundBuilders(make).application(round_, make.product(u.company), status=s) for s, u in statuses]
    db.session.add(
        Allocation(
            round_id=round_.id, application_id=built[0].id, institution_id=institution.id, amount_krw=50_000_000, rank=1
        )
    )
    db.session.add(
        Draw(
            round_id=round_.id,
            rule_version="pp-draw-2",
            manifest_json="{}",
            manifest_sha256="ab" * 32,
            seed="1 2 3 4 5 6",
            result_json="{}",
            drawn_at=clock.now(),
        )
    )
    db.session.commit()
    draws.publish_round(make.user("ministry"), round_.code)
    assert [n.params["variant"] for n in told(winner)] == ["selected"]
    assert [n.params["variant"] for n in told(waiting)] == ["waitlisted"]
    assert [n.params["variant"] for n in told(loser)] == ["not_selected"]
    assert any("its score was below the pass mark of 70" in body for body in mailed(loser))
    [published] = told(buyer, "allocations_published")
    assert published.params["count"] == 1
    assert any(f"Round {round_.code} is published with 1 allocations" in body for body in mailed(buyer))


# --- allocations


@pytest.fixture
def world(app, make):
    return build(make)


def test_a_move_and_a_refill_tell_the_supplier_with_the_reason(world):
    s1_supplier = world.suppliers[world.s1.application_id]
    w_supplier = world.suppliers[world.w.id]
    allocations.move(world.staff, world.s1.id, world.bbb.id, "AAA's need moved to BBB")
    [moved] = told(s1_supplier, "allocation_changed")
    assert moved.params["variant"] == "moved" and moved.params["institution_ko"] == "나기관"
    assert moved.params["reason"] == "AAA's need moved to BBB"
    allocations.refill(world.staff, world.s2.id, "W fits at AAA now")
    [refilled] = told(w_supplier, "allocation_changed")
    assert refilled.params["variant"] == "refilled" and refilled.params["institution_ko"] == "가기관"
    assert sent(w_supplier.email)


def test_a_withdrawal_that_promotes_the_waitlist_tells_the_promoted_supplier(world):
    apps.withdraw(world.suppliers[world.s1.application_id], world.s1.application_id, "Plans changed")
    [refilled] = told(world.suppliers[world.w.id], "allocation_changed")
    assert refilled.params["variant"] == "refilled"


# --- orders and quota


@pytest.fixture
def purchase(app, make):
    builders = OrderBuilders(make)
    buyer, mou, allocation = builders.setup(committed=10_000_000)
    supplier = make.user("supplier", company=allocation.application.product.company, language="en")
    return builders, buyer, mou, allocation, supplier


def test_an_order_placed_and_cancelled_tells_the_supplier_with_amount_and_reason(purchase):
    builders, buyer, mou, allocation, supplier = purchase
    order = builders.order(buyer, allocation, mou, quantity=2)
    [placed] = told(supplier, "order_placed")
    assert placed.params["order"] == order.number and placed.params["amount"] == 2_000_000
    assert any(f"placed order {order.number}" in body and "KRW 2,000,000" in body for body in mailed(supplier))
    orders.cancel(buyer, order.id, "Budget withdrawn by the council")
    [cancelled] = told(supplier, "order_cancelled")
    assert cancelled.params["reason"] == "Budget withdrawn by the council"
    assert any("Reason: Budget withdrawn by the council" in body for body in mailed(supplier))


def test_an_evaluation_tells_the_supplier(purchase):
    builders, buyer, mou, allocation, supplier = purchase
    order = builders.order(buyer, allocation, mou)
    today = clock.today()
    orders.deliver(buyer, order.id, today, today=today)
    orders.inspect(buyer, order.id, "accepted", "", today)
    scores = {name: 4 for name in orders.rules.SCORE_FIELDS}
    orders.evaluate(buyer, order.id, scores, True, "Works well")
    assert [n.params["order"] for n in told(supplier, "evaluation_received")] == [order.number]
    assert any(f"(order {order.number})" in body and "evaluated" in body for body in mailed(supplier))


def test_the_quota_at_ten_percent_or_less_tells_the_buyers_once(purchase, make):
    builders, buyer, mou, allocation, _ = purchase
    builders.order(buyer, allocation, mou, quantity=8)  # 2,000,000 of 10,000,000 left: 20 %
    assert told(buyer, "quota_low") == []
    builders.order(buyer, allocation, mou, quantity=1)  # 10 %
    builders.order(buyer, allocation, mou, quantity=1)  # 0 %: told already
    [low] = told(buyer, "quota_low")
    assert low.params == {"mou": mou.number, "left": 1_000_000, "percent": 10}
    assert [b for b in mailed(buyer) if mou.number in b and "10%" in b] != []  # in Korean, the buyer's language


# --- what waits for the ministry


def test_a_registration_an_upload_and_a_join_request_tell_ministry_staff(client, make):
    staff = make.user("ministry", language="en")
    assert client.post("/register", data=registration_form()).status_code == 302
    supplier = make.user("supplier")
    sign_in(client, supplier)
    form = certificate_form(make.certificate_type("EPC").id, PDF)
    assert client.post("/supplier/certificates/new", data=form, content_type="multipart/form-data").status_code == 302
    institutions.request_to_join(
        institutions.JoinRequest("새 기관", "New Body", "public_enterprise", "seoul", "김민지", "kim@example.com")
    )
    variants = sorted(n.params["variant"] for n in told(staff, "review_waiting"))
    assert variants == ["certificate", "company", "institution"]
    assert any("New Body asked to join the programme." in body for body in mailed(staff))


def test_a_rejected_company_sent_again_waits_for_review_again(client, make):
    from marketplace.services import approvals

    staff = make.user("ministry")
    company = make.company(status="pending")
    supplier = make.user("supplier", company=company)
    approvals.decide_company(staff, company.id, "reject", "Unreadable copy")
    sign_in(client, supplier)
    data = {
        "name_ko": company.name_ko,
        "name_en": "Renamed Co",
        "representative": "홍길동",
        "region": "busan",
        "founded_on": "2020-01-01",
        "size_class": "small",
        "public_supply_krw": "0",
        "public_supply_count": "0",
        "public_supply_as_of": "2024-01-01",
    }
    assert client.post("/supplier/company", data=data).status_code == 302
    [waiting] = told(staff, "review_waiting")
    assert waiting.params["company_en"] == "Renamed Co" and waiting.event_key.startswith(
        f"review:company:{company.id}:"
    )


def test_the_announcement_can_be_run_again_from_the_command_line(app, make):
    supplier = make.user("supplier")
    make.product(supplier.company)
    round_ = RoundBuilders(make).round(status="open")
    runner = app.test_cli_runner()
    assert "told 1 suppliers" in runner.invoke(args=["draw", "announce", round_.code]).output
    assert "told 0 suppliers" in runner.invoke(args=["draw", "announce", round_.code]).output
    assert runner.invoke(args=["draw", "announce", "NO-SUCH"]).exit_code == 1
    assert len(told(supplier, "round_opened")) == 1


def test_closing_and_publishing_only_queue_the_results_which_a_job_tells_in_batches(app, make, monkeypatch):
    queued: list[tuple[int, str]] = []
    monkeypatch.setitem(app.extensions, "tell_results", lambda *args: queued.append(args))
    rounds_ = RoundBuilders(make)
    now = clock.now()
    round_ = rounds_.round(opens_at=now - timedelta(days=10), closes_at=now - timedelta(hours=1))
    suppliers = [make.user("supplier") for _ in range(3)]
    for supplier in suppliers:
        rounds_.application(round_, make.product(supplier.company))
    rounds.close_round(make.user("ministry"), round_.code)
    assert queued == [(round_.id, "eligibility")] and db.session.query(Notification).count() == 0
    assert round_opening.tell_results(round_.id, "eligibility", batch=2) == 3
    assert round_opening.tell_results(round_.id, "eligibility", batch=2) == 3  # again: nobody told twice
    assert sorted(n.recipient_id for n in db.session.query(Notification)) == sorted(s.id for s in suppliers)
