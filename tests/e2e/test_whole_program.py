"""The whole program in a real browser: register, list, approve, round, apply, draw, buy, certificate, verify.

Playwright drives Debian's chromium against the app served by werkzeug in a thread on 127.0.0.1, on a
temporary SQLite database. The server runs in this process so that the round clock
(marketplace.services.rounds.now) can be moved past the closing minute instead of waiting for it.
Screenshots of each step go to test-artifacts/e2e/ (ignored by git).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests import clock
from tests.e2e.live import live_app, moved_clock, require_chromium, served, water_institution
from tests.mail import link, sent

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def server(tmp_path, monkeypatch):
    require_chromium()
    from marketplace.extensions import db
    from tests.factories import Builders

    app, base = live_app(tmp_path / "e2e.sqlite3", REPORTS_RENDER_IN_PROCESS=True)
    moved = moved_clock(monkeypatch)  # orders are recorded on the round's day, not before it
    with app.app_context():
        water_institution(Builders(), moved)
        db.session.remove()
    with served(app, base):
        yield {"base": base, "app": app, "clock": moved}


class Person:
    """One browser context (own cookies) for one role, with screenshots named by step."""

    def __init__(self, browser, base: str, who: str):
        self.context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base, self.who = base, who

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status < 500, f"{path}: {response.status}"
        return response

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{step}-{self.who}.png"), full_page=True)

    def login(self, email: str, password: str = PASSWORD) -> None:
        self.go("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        with self.page.expect_navigation():
            self.page.click("main form:has(#password) button[type=submit]")
        if self.page.url.endswith("/login/code"):  # ministry staff: the authenticator's code (tests' secret)
            import pyotp

            from marketplace.services import sign_in
            from tests.factories import TOTP_SECRET

            self.page.fill("#code", pyotp.TOTP(TOTP_SECRET).at(sign_in.now()))
            self.submit("main form:has(#code)")

    def submit(self, form_selector: str, button: str = "button[type=submit]") -> None:
        with self.page.expect_navigation():
            self.page.click(f"{form_selector} {button}")
        assert "app-alert-error" not in self.page.content(), self.page.inner_text("main")[:800]


def scan_png() -> bytes:
    import segno

    from tests.e2e import _png

    return _png.png(segno.make("CERT-E2E-0001"))


def test_the_whole_program_from_registration_to_a_verified_certificate(server, browser):
    from marketplace.extensions import db
    from marketplace.models import Allocation, Certificate, Company, Order

    # the round window and the order date are Seoul dates: after 15:00 UTC Seoul is already on the next day
    app, base, today = server["app"], server["base"], clock.today()

    # 1. A supplier registers the company.
    supplier = Person(browser, base, "supplier")
    supplier.go("/register")
    values = {
        "#name_ko": "한빛센서 주식회사",
        "#name_en": "Hanbit Sensor",
        "#representative": "홍길동",
        "#founded_on": "2022-03-01",
        "#public_supply_krw": "0",
        "#public_supply_count": "0",
        "#public_supply_as_of": today.isoformat(),
        "#brn": "1208147521",
        "#user_name": "홍길동",
        "#email": "ceo@hanbit.example",
        "#password": PASSWORD,
        "#confirm": PASSWORD,
    }
    for selector, value in values.items():
        supplier.page.fill(selector, value)
    supplier.page.select_option("#region", "daejeon")
    supplier.page.select_option("#size_class", "small")
    supplier.page.click("label[for=agree_terms]")  # KRDS draws the box on the label
    supplier.page.click("label[for=agree_privacy]")
    supplier.submit("main form:has(#brn)")
    supplier.shot("01-registered")
    # The address is confirmed by the link mailed to it (kept in memory in tests), then the supplier signs in.
    with server["app"].app_context():
        confirm = link(sent("ceo@hanbit.example")[-1], "/confirm-email/")
    supplier.go(confirm)
    supplier.submit("main form")
    supplier.login("ceo@hanbit.example")

    # 2. It uploads its technology-product certificate.
    supplier.go("/supplier/certificates/new")
    supplier.page.select_option("#type_id", label="성능인증 (EPC)")
    supplier.page.fill("#number", "EPC-2024-0042")
    supplier.page.fill("#issuer", "국가기술표준원")
    supplier.page.fill("#issued_on", (today - timedelta(days=200)).isoformat())
    supplier.page.fill("#expires_on", (today + timedelta(days=900)).isoformat())
    supplier.page.set_input_files("#scan", files=[{"name": "epc.png", "mimeType": "image/png", "buffer": scan_png()}])
    supplier.submit("main form:has(#scan)")
    supplier.shot("02-certificate-uploaded")

    # 3. Ministry staff approve the company and verify the certificate.
    with app.app_context():
        company_id = db.session.scalar(db.select(Company.id).where(Company.name_ko == "한빛센서 주식회사"))
        certificate_id = db.session.scalar(db.select(Certificate.id).where(Certificate.company_id == company_id))
    staff = Person(browser, base, "ministry")
    staff.login("staff@mss.example")
    staff.go(f"/ministry/companies/{company_id}")
    staff.submit(f"form[action$='/companies/{company_id}/decision']", "button[value=approve]")
    staff.go("/ministry/certificates")
    staff.submit(f"form[action$='/certificates/{certificate_id}/decision']", "button[value=verify]")
    staff.shot("03-approved")

    # 4. The supplier lists a product covered by the certificate.
    supplier.go("/supplier/products/new")
    supplier.page.fill("#name_ko", "스마트 누수 감지기")
    supplier.page.fill("#name_en", "Smart leak detector")
    supplier.page.fill("#model", "HB-LD100")
    supplier.page.select_option("#category", "water")
    supplier.page.fill("#unit_price_krw", "411,522")
    supplier.page.select_option("#certificate_ids", str(certificate_id))
    supplier.submit("main form:has(#unit_price_krw)")
    supplier.submit("form[action$='/status']", "button[value=list]")
    supplier.shot("04-product-listed")

    # 5. Staff create and open a round whose window is today (KST).
    staff.go("/ministry/rounds/new")
    for selector, value in {
        "#code": "2026-E2E",
        "#title_ko": "시범구매 종단 시험 회차",
        "#title_en": "E2E round",
        "#opens_on": today.isoformat(),
        "#opens_time": "00:00",
        "#closes_on": today.isoformat(),
        "#closes_time": "23:59",
        "#cap": "300,000,000",
        "#budget-KWATER": "1,000,000,000",
        "#seed_event_ko": "시험 추첨: 당첨번호 6개를 작은 수부터 한 칸씩 띄워서",
        "#seed_event_en": "Test draw: the six numbers ascending, a space between",
        "#seed_event_on": (today + timedelta(days=1)).isoformat(),  # after the close, before the freeze's day ends
        "#seed_event_time": "23:59",
    }.items():
        staff.page.fill(selector, value)
    staff.submit("main form:has(#budget-KWATER)")
    staff.submit("form[action$='/open']")
    staff.shot("05-round-open")

    # 6. The supplier applies.
    supplier.go("/supplier/rounds/2026-E2E/apply")
    supplier.page.fill("#amount", "50,000,000")
    supplier.page.fill("#statement", "현장 실증 완료")
    supplier.submit("main form:has(#amount)")
    supplier.shot("06-applied")

    # 7. After the window: close, score, freeze, draw and publish.
    server["clock"].offset = timedelta(days=1)
    staff.go("/ministry/rounds/2026-E2E")
    if staff.page.locator("form[action$='/close']").count():  # a page shown after the window closes it
        staff.submit("form[action$='/close']")
    staff.page.fill("form.app-score-form [name=innovation]", "35")
    staff.page.fill("form.app-score-form [name=capability]", "25")
    staff.page.fill("form.app-score-form [name=need]", "25")
    staff.submit("form.app-score-form")
    staff.submit("form[action$='/freeze']")  # before the seed event
    server["clock"].offset = timedelta(days=2)  # after it: its outcome is the seed
    staff.go("/ministry/rounds/2026-E2E")
    staff.page.fill("#seed", "3 11 19 25 33 41")
    staff.submit("form[action$='/draw']", "button[name=draw]")
    staff.submit("form[action$='/publish']")
    staff.shot("07-published")

    # 8. The buyer records the purchase against the institution's quota.
    with app.app_context():
        allocation_id = db.session.scalar(db.select(Allocation.id))
    buyer = Person(browser, base, "buyer")
    buyer.login("buyer@kwater.example")
    buyer.go("/buyer/selected-products")
    buyer.shot("08-selected-products")
    buyer.go(f"/buyer/purchase/{allocation_id}")
    buyer.page.fill("#quantity", "3")
    buyer.page.fill("#unit_price", "411,522")
    buyer.page.fill("#ordered_on", (today + timedelta(days=2)).isoformat())  # the round clock's day: publication
    buyer.page.select_option("#contract_method", "private_contract")
    buyer.page.click("label[for=no_private_interest]")  # KRDS styles the label; the input is hidden
    buyer.submit("main form:has(#quantity)")
    buyer.shot("09-purchase-recorded")

    # 9. The buyer issues the audit-relief certificate with the order page's button, then downloads it.
    with app.app_context():
        order_id = db.session.scalar(db.select(Order.id))
    buyer.go(f"/buyer/orders/{order_id}")
    buyer.submit(f"form[action='/buyer/orders/{order_id}/certificate']")
    href = buyer.page.get_attribute("a[href*='/certificate.pdf']", "href")  # the issued version's PDF
    download = buyer.context.request.get(f"{base}{href}")
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    pdf = download.body()
    serial = re.search(r"filename=(PP-\d{4}-\d{6})(?:_ko|_en)?\.pdf", download.headers["content-disposition"]).group(1)
    assert buyer.context.request.get(f"{base}/buyer/orders/{order_id}/certificate.pdf").body() == pdf
    assert serial in buyer.page.inner_text("main")  # the issued serial, with its /verify link and code
    buyer.shot("09-certificate-issued")

    # 10. Anyone verifies it: by serial, then by uploading the PDF.
    public = Person(browser, base, "public")
    public.go("/verify")
    public.page.fill("#serial", serial)
    with public.page.expect_navigation():
        public.page.click("form[method=get] button[type=submit]")
    assert serial in public.page.inner_text("main")  # below the answer, which is the heading
    public.shot("10-verify-page")
    public.page.set_input_files("#pdf", files=[{"name": f"{serial}.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    with public.page.expect_navigation():
        public.page.click("form[action$='/verify/upload'] button[type=submit]")
    assert "똑같습니다" in public.page.inner_text("main")
    public.shot("11-verified-upload")
