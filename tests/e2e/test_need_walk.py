"""A demand-driven need in a real browser, from posting to order: the buyer posts a need, two certified
suppliers propose products, the deadline passes (the rounds' clock moves, as in test_whole_program.py), the
buyer shortlists one with reasons for both, staff name the committee, the evaluator declares and scores,
staff finalise and select, and the buyer orders the selection and issues the audit-relief certificate, whose
PDF names the need and the committee's minutes.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.e2e.live import live_app, moved_clock, require_chromium, served, water_institution
from tests.e2e.test_whole_program import Person

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PROBLEM = "정수장 탁도를 실시간으로 측정해 약품 투입량을 줄이고 싶습니다."


@pytest.fixture
def walk(tmp_path, monkeypatch):
    require_chromium()
    from marketplace.extensions import db
    from tests.factories import Builders

    app, base = live_app(tmp_path / "needs.sqlite3", REPORTS_RENDER_IN_PROCESS=True)
    moved = moved_clock(monkeypatch)  # the order is recorded on the moved clock's day
    with app.app_context():
        make = Builders()
        water_institution(make, moved)
        make.user("evaluator", email="judge@example.com", name="박심사")
        suppliers = {}
        for email, name in (("one@sensor.example", "탁도 센서 A"), ("two@sensor.example", "탁도 센서 B")):
            user = make.user("supplier", email=email)
            suppliers[email] = make.product(user.company, category="water", name_ko=name).name_ko
        db.session.remove()
    with served(app, base):
        yield {"base": base, "app": app, "clock": moved, "products": suppliers}


def propose(browser, base: str, email: str, need_id: int, note: str) -> None:
    """The supplier finds the need on the public list and proposes its product with a note."""
    supplier = Person(browser, base, email.split("@")[0])
    supplier.login(email)
    supplier.go("/needs")
    with supplier.page.expect_navigation():
        supplier.page.click(f"a[href$='/needs/{need_id}']")
    with supplier.page.expect_navigation():
        supplier.page.click(f"a[href$='/supplier/needs/{need_id}/propose']")
    supplier.page.fill("#note", note)
    supplier.submit("main form:has(#note)")
    assert "제안을 기관에 보냈습니다" in supplier.page.inner_text("body")
    supplier.shot(f"need-02-proposed-{email.split('@')[0]}")


def test_a_need_walks_from_posting_to_an_order_with_its_certificate(walk, browser):
    from marketplace.domain.clock import SEOUL, seoul_date
    from marketplace.extensions import db
    from marketplace.models import Allocation, Need, NeedProposal, Order
    from tests.pdf_checks import pdf_text

    app, base, clock = walk["app"], walk["base"], walk["clock"]

    # 1. The buyer posts a need with a deadline two hours ahead (Seoul time).
    buyer = Person(browser, base, "need-buyer")
    buyer.login("buyer@kwater.example")
    buyer.go("/buyer/needs/new")
    deadline = (clock() + timedelta(hours=2)).astimezone(SEOUL)
    buyer.page.fill("#title", "정수장 탁도 센서")
    buyer.page.fill("#problem", PROBLEM)
    buyer.page.fill("#quantity", "12")
    buyer.page.fill("#budget", "36,000,000")
    buyer.page.select_option("#category", "water")
    buyer.page.fill("#deadline_on", deadline.date().isoformat())
    buyer.page.fill("#deadline_time", deadline.strftime("%H:%M"))
    buyer.submit("main form:has(#problem)")
    with app.app_context():
        need = db.session.scalars(db.select(Need)).one()
        need_id, number = need.id, need.number
        db.session.remove()
    assert number in buyer.page.inner_text("main") and "36,000,000" in buyer.page.inner_text("main")
    buyer.shot("need-01-posted")

    # 2. Two suppliers propose their certified products in the need's category.
    (first, second) = walk["products"]
    propose(browser, base, first, need_id, "실시간 탁도 측정, 오차 1% 이내")
    propose(browser, base, second, need_id, "저가형 탁도 센서")

    # 3. The deadline passes; the buyer shortlists the first, not the second, each with its reason.
    clock.offset = timedelta(hours=3)
    with app.app_context():
        chosen, dropped = [p.id for p in db.session.scalars(db.select(NeedProposal).order_by(NeedProposal.id))]
        db.session.remove()
    buyer.go(f"/buyer/needs/{need_id}")
    buyer.page.click(f"label[for='decision-{chosen}-yes']")
    buyer.page.fill(f"#reason-{chosen}", "측정 정확도가 요구 사양을 충족합니다.")
    buyer.page.click(f"label[for='decision-{dropped}-no']")
    buyer.page.fill(f"#reason-{dropped}", "측정 범위가 정수장 탁도에 미치지 못합니다.")
    buyer.shot("need-03-shortlist")
    buyer.submit(f"form[action$='/buyer/needs/{need_id}/shortlist']")
    assert "측정 범위가" in buyer.page.inner_text("main")

    # 4. Staff open the need and name the committee on its round's committee page.
    staff = Person(browser, base, "need-ministry")
    staff.login("staff@mss.example")
    staff.go("/ministry/needs")
    with staff.page.expect_navigation():
        staff.page.click(f"a[href$='/ministry/needs/{need_id}']")
    with staff.page.expect_navigation():
        staff.page.click(f"a[href$='/ministry/rounds/{number}/committee']")
    staff.page.fill("#name", "박심사")
    staff.page.fill("#email", "judge@example.com")
    staff.submit("form[action$='/committee/members']")

    # 5. The evaluator declares no conflict of interest and scores the shortlisted proposal.
    judge = Person(browser, base, "need-evaluator")
    judge.login("judge@example.com")
    judge.go("/evaluator/")
    with judge.page.expect_navigation():
        judge.page.click("main a[href*='/evaluator/applications/']")
    judge.page.click("label[for=no_conflict]")
    judge.submit("form[action$='/declare']")
    judge.page.fill("#innovation", "35")
    judge.page.fill("#capability", "25")
    judge.page.fill("#need", "25")
    judge.submit("form[action$='/score']")
    judge.shot("need-05-scored")

    # 6. Staff finalise the scores (the minutes) and select on the need's page.
    staff.go(f"/ministry/rounds/{number}/committee")
    staff.submit("form[action$='/committee/finalise']")
    staff.go(f"/ministry/needs/{need_id}")
    staff.submit(f"form[action$='/ministry/needs/{need_id}/select']")
    assert "85" in staff.page.inner_text("main")
    staff.shot("need-06-selected")

    # 7. The buyer orders the selection against the quota and issues the audit-relief certificate.
    with app.app_context():
        allocation = db.session.scalars(db.select(Allocation)).one()
        allocation_id, amount = allocation.id, allocation.amount_krw
        db.session.remove()
    assert amount == 36_000_000
    buyer.go(f"/buyer/needs/{need_id}")
    assert "선정" in buyer.page.inner_text("main")
    buyer.go("/buyer/selected-products")
    assert walk["products"][first] in buyer.page.inner_text("main")
    buyer.go(f"/buyer/purchase/{allocation_id}")
    buyer.page.fill("#quantity", "12")
    buyer.page.fill("#unit_price", "3,000,000")
    buyer.page.fill("#ordered_on", seoul_date(clock()).isoformat())
    buyer.page.select_option("#contract_method", "private_contract")
    buyer.page.click("label[for=no_private_interest]")
    buyer.submit("main form:has(#quantity)")
    with app.app_context():
        order_id = db.session.scalar(db.select(Order.id))
        db.session.remove()
    buyer.go(f"/buyer/orders/{order_id}")
    buyer.submit(f"form[action='/buyer/orders/{order_id}/certificate']")
    href = buyer.page.get_attribute("a[href*='/certificate.pdf']", "href")
    download = buyer.context.request.get(f"{base}{href}")
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    printed = "".join("".join(pdf_text(download.body())).split())
    assert number in printed and re.search(r"[0-9a-f]{16}", printed)
    buyer.shot("need-07-certificate")

    # 8. Anyone sees the need's outcome on its public page.
    public = Person(browser, base, "need-public")
    public.go(f"/needs/{need_id}")
    assert walk["products"][first] in public.page.inner_text("main")
