"""An objection in a real browser: a waitlisted supplier objects within the window with a PDF, staff (with
their authenticator code) uphold it and reinstate the application from the waitlist, and the public round
page shows result version 2 and the decision without the company, while the supplier sees its allocation.

The starting state comes from the allocation builders (tests/builders_allocations.py): a round published
two days ago whose waitlisted W (60,000,000 won) fits nowhere; staff first move S1 from AAA to BBB at a
buyer's request, which leaves AAA 100,000,000 won, so reinstatement can place W there. The server runs in
this process on a temporary SQLite database, as in test_whole_program.py.
"""

from __future__ import annotations

import pytest

from tests.e2e.live import live_app, require_chromium, served
from tests.e2e.test_whole_program import Person

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% objection evidence\n%%EOF\n"
REASONS = "대기 순번 산정에 가중치가 잘못 적용되었습니다. 확인서를 첨부합니다."
DECISION = "대기 순번 산정에 가중치가 잘못 적용된 것이 확인되어 인용합니다."


@pytest.fixture
def walk(tmp_path):
    require_chromium()
    from marketplace.extensions import db
    from marketplace.services import allocations
    from tests.builders_allocations import build
    from tests.factories import Builders

    app, base = live_app(tmp_path / "walk.sqlite3")
    with app.app_context():
        world = build(Builders(), published_days_ago=2)
        allocations.move(world.staff, world.s1.id, world.bbb.id, "BBB asked to buy S1's product")
        w = world.w
        facts = {
            "base": base,
            "app": app,
            "code": world.round.code,
            "application": w.id,
            "supplier": world.suppliers[w.id].email,
            "staff": world.staff.email,
            "names": [n for n in (w.company.name_ko, w.company.name_en, w.product.name_ko, w.product.name_en) if n],
            "institution": world.aaa.name_ko,
        }
        db.session.remove()
    with served(app, base):
        yield facts


def choose(person: Person, name: str, value: str) -> None:
    """Tick a radio button the KRDS way: its label is what is drawn and clicked."""
    option = person.page.get_attribute(f"input[name={name}][value={value}]", "id")
    person.page.click(f"label[for='{option}']")


def objections_section(person: Person) -> str:
    return person.page.inner_text("#objections")


def test_a_waitlisted_supplier_objects_staff_reinstate_it_and_the_public_sees_version_2(walk, browser):
    from marketplace.extensions import db
    from marketplace.models import Objection

    base, application = walk["base"], walk["application"]

    # 1. The waitlisted supplier files its objection from the application's page, with a PDF.
    supplier = Person(browser, base, "objection-supplier")
    supplier.login(walk["supplier"])
    supplier.go(f"/supplier/applications/{application}")
    with supplier.page.expect_navigation():
        supplier.page.click(f"a[href$='/supplier/applications/{application}/objection']")
    assert "23:59:59" in supplier.page.inner_text("main")  # the last second of the window, in Seoul
    supplier.page.fill("#reasons", REASONS)
    supplier.page.set_input_files(
        "#documents", files=[{"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    supplier.submit("main form:has(#reasons)")
    assert "/supplier/objections/" in supplier.page.url
    filed = supplier.page.inner_text("main")
    assert REASONS in filed and "evidence.pdf" in filed
    supplier.shot("objection-01-filed")
    with walk["app"].app_context():
        objection = db.session.scalars(db.select(Objection)).one()
        objection_id, number = objection.id, objection.number
        assert [d.original_name for d in objection.documents] == ["evidence.pdf"]
        db.session.remove()

    # 2. Staff, signed in with their authenticator code, uphold it with a reason.
    staff = Person(browser, base, "objection-ministry")
    staff.login(walk["staff"])
    staff.go("/ministry/objections")
    with staff.page.expect_navigation():
        staff.page.click(f"a[href$='/ministry/objections/{objection_id}']")
    assert REASONS in staff.page.inner_text("main")
    choose(staff, "decision", "upheld")
    staff.page.fill("#reason", DECISION)
    staff.submit("form[action$='/decide']")

    # 3. ... and record the remedy: reinstatement from the waitlist.
    staff.go(f"/ministry/objections/{objection_id}")
    choose(staff, "remedy", "reinstated")
    staff.page.fill("#note", "남은 라운드 예산으로 대기자 중에서 복원합니다.")
    staff.submit("form[action$='/remedy']")
    staff.go(f"/ministry/objections/{objection_id}")
    staff.shot("objection-02-remedied")

    # 4. Anyone sees result version 2 with the change, and the decision without the applicant's name.
    public = Person(browser, base, "objection-public")
    public.go(f"/rounds/{walk['code']}?lang=en")
    main = public.page.inner_text("main")
    section = objections_section(public)
    assert "Result versions" in section and "v2" in section and "Reinstatement from the waitlist" in section
    assert f"Objection {number}" in section and DECISION in section and "60,000,000" in section
    assert f"/rounds/{walk['code']}/result-v2.json" in public.page.content()
    assert all(name not in section for name in walk["names"]), section
    assert "Result version" in main
    public.go(f"/rounds/{walk['code']}?lang=ko")
    section = objections_section(public)
    assert "결과 버전" in section and f"이의신청 {number}" in section and DECISION in section
    assert all(name not in section for name in walk["names"]), section
    public.shot("objection-03-public-round")

    # 5. The supplier's application now shows its allocation.
    supplier.go(f"/supplier/applications/{application}?lang=ko")
    page = supplier.page.inner_text("main")
    assert walk["institution"] in page and "60,000,000" in page
    assert f"이의신청 {number}" in page and "이의신청이 인용되어 예비 명단에서 선정되었습니다(결과 버전 2)" in page
    supplier.shot("objection-04-allocated")
