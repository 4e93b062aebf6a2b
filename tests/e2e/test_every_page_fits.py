"""Every page of every role's menu, and a detail page of each kind, on a 390 px phone and a 1280 px screen.

For each page, in Korean and in English: the document never scrolls sideways, axe-core finds no critical,
serious or moderate violation, and the page breaks no rule of the Content-Security-Policy. The HTML served
is kept and checked once per role by the Nu HTML Checker. Cost: one server and one set of demo data per
worker, one browser per module, axe injected once per page load and run at both widths.
Set PAGE_SHOTS=/some/dir to also save screenshots of the key pages at both widths.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.live import ARGS, CHROMIUM, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONE, SCREEN = 390, 1280
BLOCKING = {"critical", "serious", "moderate"}
LOGINS = itertools.count(1)  # each sign-in of ministry staff types the next authenticator code


@dataclass
class Site:
    base: str
    pages: dict[str, list[str]]
    logins: dict[str, str]
    shots: dict[str, str] = field(default_factory=dict)
    as_at: dict[str, datetime] = field(default_factory=dict)  # pages seen with the round clock at a moment
    clock: RoundClock | None = None


class RoundClock:
    """The server's round clock (services.rounds.now): the app's own clock unless a page sets a moment."""

    def __init__(self, real):
        self.real, self.at = real, None

    def __call__(self) -> datetime:
        return self.at or self.real()


def _ids() -> dict:
    """The demo rows the detail pages show: one of each kind, seen by the role that may open it."""
    from sqlalchemy import select

    from marketplace.domain.states import AllocationStatus, OrderStatus, RoundStatus, UserRole
    from marketplace.extensions import db
    from marketplace.models import Allocation, Application, Company, Institution, Mou, Order, Product, Round, User

    first = db.session.scalar
    order = first(select(Order).where(Order.status == OrderStatus.EVALUATED).order_by(Order.id))
    inspected = first(select(Order).where(Order.status == OrderStatus.INSPECTED).order_by(Order.id))
    buyer = first(select(User).where(User.role == UserRole.BUYER, User.institution_id == order.institution_id))
    allocation = first(
        select(Allocation)
        .where(Allocation.institution_id == order.institution_id, Allocation.status == AllocationStatus.ACTIVE)
        .order_by(Allocation.id)
    )
    supplier = first(
        select(User)
        .join(Application, Application.company_id == User.company_id)
        .where(User.role == UserRole.SUPPLIER)
        .order_by(User.id)
    )
    return {
        "order": order,
        "inspected": inspected,
        "other_order": first(
            select(Order.id)
            .where(Order.institution_id == order.institution_id, Order.id != order.id)
            .order_by(Order.id)
        ),
        "buyer": buyer.email,
        "allocation": allocation.id,
        "supplier": supplier.email,
        "application": first(select(Application.id).where(Application.company_id == supplier.company_id)),
        "own_product": first(select(Product.id).where(Product.company_id == supplier.company_id)),
        "product": first(select(Product.id).where(Product.status == "listed").order_by(Product.id)),
        "company": first(select(Company.id).order_by(Company.id)),
        "institution": order.institution_id,
        "joined": first(select(Institution.id).where(Institution.code == "INST26")),
        "mou": first(select(Mou.id).where(Mou.institution_id == order.institution_id)),
        "open": first(select(Round.code).where(Round.status == RoundStatus.OPEN)),
        "published": first(select(Round.code).where(Round.status == RoundStatus.PUBLISHED)),
        **_committee_and_objections(supplier),
    }


def _committee_and_objections(supplier) -> dict:
    """An evaluator's assignment, the demo's objections, and the supplier's own objection and an application
    of theirs with a result and no objection yet (its form is seen the day after publication)."""
    from sqlalchemy import select

    from marketplace.domain.states import ApplicationStatus
    from marketplace.extensions import db
    from marketplace.models import Application, CommitteeAssignment, Objection, User

    evaluator = db.session.scalar(select(User).where(User.email == "evaluator1@demo.example"))
    objections = list(db.session.scalars(select(Objection).order_by(Objection.number)))
    objected = {o.application_id for o in objections}
    results = (ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_SELECTED)
    fresh = db.session.scalars(
        select(Application)
        .where(Application.company_id == supplier.company_id, Application.status.in_(results))
        .order_by(Application.id)
    )
    fresh_one = next(a for a in fresh if a.id not in objected)
    own = next(o for o in objections if o.company_id == supplier.company_id)
    return {
        "evaluator": evaluator.email,
        "assignment": db.session.scalar(
            select(CommitteeAssignment.application_id)
            .where(CommitteeAssignment.user_id == evaluator.id)
            .order_by(CommitteeAssignment.id)
        ),
        "objections": [o.id for o in objections],
        "own_objection": own.id,
        "fresh_application": fresh_one.id,
        "window_open_at": fresh_one.round.draw.published_at + timedelta(days=1),
    }


def _need(ids: dict) -> dict:
    """A need of the buyer's institution in the category of the supplier's product, with its proposal; the
    buyer's page of it is seen after the deadline, with the shortlist form."""
    from marketplace.extensions import db
    from marketplace.models import Product, User
    from marketplace.services import needs
    from tests import clock
    from tests.builders_needs import need_input

    buyer = db.session.scalar(db.select(User).where(User.email == ids["buyer"]))
    supplier = db.session.scalar(db.select(User).where(User.email == ids["supplier"]))
    category = db.session.get_one(Product, ids["own_product"]).category
    deadline = clock.now().replace(second=0, microsecond=0) + timedelta(days=7)
    need = needs.post_need(buyer, need_input(category=category, deadline_at=deadline))
    product = needs.proposable_products(supplier, need)[0]
    needs.propose(supplier, need.id, product.id, "실시간 측정이 가능한 제품입니다.")
    return {"need": need.id, "need_deadline_passed": deadline + timedelta(minutes=5)}


def _certificates(ids: dict) -> dict:
    """The demo's valid, superseded and revoked audit-relief certificates (seed_all issues all three)."""
    from sqlalchemy import select

    from marketplace.domain.states import ReliefStatus
    from marketplace.extensions import db
    from marketplace.models import AuditReliefCertificate as Relief

    def one(status):
        return db.session.scalars(select(Relief).where(Relief.status == status).order_by(Relief.id)).first()

    valid, old, revoked = one(ReliefStatus.VALID), one(ReliefStatus.SUPERSEDED), one(ReliefStatus.REVOKED)
    assert valid and old and revoked, "the demo issues a valid, a superseded and a revoked certificate"
    return {"valid": valid.serial, "code": valid.verification_code, "old": old.serial, "revoked": revoked.serial}


def _pages(ids: dict, serials: dict) -> dict[str, list[str]]:
    order, rnd, inst = ids["order"].id, ids["open"], ids["institution"]
    return {
        "anonymous": [
            "/", "/products", f"/products/{ids['product']}", f"/suppliers/{ids['company']}", "/rounds",
            f"/rounds/{ids['published']}", f"/rounds/{rnd}", "/how-the-draw-works", "/verify",
            f"/verify/{serials['valid']}",
            f"/verify/{serials['valid']}?code={serials['code']}", f"/verify/{serials['old']}",
            f"/verify/{serials['revoked']}", "/register", "/login", "/join-institution", "/audit-chain",
            "/needs", f"/needs/{ids['need']}",
        ],
        "supplier": [
            "/supplier/", "/supplier/company", "/supplier/certificates", "/supplier/certificates/new",
            "/supplier/products", "/supplier/products/new", f"/supplier/products/{ids['own_product']}/edit",
            "/supplier/applications", f"/supplier/applications/{ids['application']}",
            f"/supplier/rounds/{rnd}/apply", "/supplier/small-value-track", "/supplier/orders", "/account",
            f"/supplier/applications/{ids['fresh_application']}/objection",
            f"/supplier/objections/{ids['own_objection']}", f"/supplier/needs/{ids['need']}/propose",
        ],
        "evaluator": ["/evaluator/", f"/evaluator/applications/{ids['assignment']}", "/account"],
        "buyer": [
            "/buyer/", "/buyer/selected-products", f"/buyer/purchase/{ids['allocation']}", "/buyer/orders",
            f"/buyer/orders/{order}", f"/buyer/orders/{ids['other_order']}", "/buyer/reports", "/account",
            "/buyer/needs", "/buyer/needs/new", f"/buyer/needs/{ids['need']}",
        ],
        "ministry": [
            "/ministry/", "/ministry/companies", f"/ministry/companies/{ids['company']}",
            f"/ministry/companies/{ids['company']}/edit", "/ministry/certificates", "/ministry/institutions",
            f"/ministry/institutions/{inst}", f"/ministry/institutions/{inst}/edit", "/ministry/institutions/new",
            f"/ministry/institutions/{ids['joined']}/mous/new", "/ministry/objections",
            *(f"/ministry/objections/{n}" for n in ids["objections"]),
        ],
        "ministry-rounds": [
            f"/ministry/mous/{ids['mou']}", "/ministry/join-requests", "/ministry/rounds", "/ministry/rounds/new",
            f"/ministry/rounds/{ids['published']}",
            f"/ministry/rounds/{rnd}", f"/ministry/rounds/{ids['published']}/committee",
            f"/ministry/allocations/{ids['allocation']}/move",
            f"/ministry/allocations/{ids['allocation']}/refill", "/ministry/reports", "/ministry/audit", "/account",
            "/ministry/needs", f"/ministry/needs/{ids['need']}",
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory, html_checker):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    from werkzeug.serving import make_server

    from marketplace import create_app
    from marketplace.demo import seed_all
    from marketplace.extensions import db
    from marketplace.models import User
    from tests.conftest import base_config
    from tests.factories import TOTP_SECRET

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'pages.sqlite3'}"
    # the browser keeps the static files instead of asking again on every page
    app = create_app({**base_config(url), "PUBLIC_BASE_URL": base, "SEND_FILE_MAX_AGE_DEFAULT": 3600})
    with app.app_context():
        db.create_all()
        seed_all()
        db.session.execute(
            db.update(User).where(User.role.in_(("ministry", "evaluator"))).values(totp_secret=TOTP_SECRET)
        )
        ids = _ids()
        ids.update(_need(ids))
        serials = _certificates(ids)
        logins = {"supplier": ids["supplier"], "buyer": ids["buyer"], "evaluator": ids["evaluator"]}
        site = Site(base, _pages(ids, serials), logins)
        site.as_at = {
            f"/supplier/applications/{ids['fresh_application']}/objection": ids["window_open_at"],
            f"/buyer/needs/{ids['need']}": ids["need_deadline_passed"],  # the shortlist form
        }
        site.logins["ministry"] = site.logins["ministry-rounds"] = "ministry@demo.example"
        site.shots = {
            "verify": f"/verify/{serials['valid']}?code={serials['code']}",
            "verify-revoked": f"/verify/{serials['revoked']}",
            "catalogue": "/products",
            "purchase": f"/buyer/purchase/{ids['allocation']}",
            "ministry-round": f"/ministry/rounds/{ids['published']}",
            "buyer-quota": "/buyer/",
            "small-value-track": "/supplier/small-value-track",
        }
        db.session.remove()
    from marketplace.services import rounds

    site.clock = RoundClock(rounds.now)
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rounds, "now", site.clock)
        yield site
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


def sign_in(page, base: str, email: str, clock) -> None:
    from marketplace.demo import DEMO_PASSWORD

    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form:has(#password) button[type=submit]")
    if page.url.endswith("/login/code"):
        import pyotp

        from tests.factories import TOTP_SECRET

        clock.advance(seconds=30 * next(LOGINS))
        page.fill("#code", pyotp.TOTP(TOTP_SECRET).at(clock()))
        with page.expect_navigation():
            page.click("main form:has(#code) button[type=submit]")
    assert "/login" not in page.url, page.inner_text("main")[:500]


AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
OVERFLOW = """() => {
  const width = window.innerWidth, wide = [];
  if (document.documentElement.scrollWidth <= width) return null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && getComputedStyle(el).position !== 'absolute')
      wide.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' ' + Math.round(r.right));
  }
  return [document.documentElement.scrollWidth, wide.slice(0, 5)];
}"""


class Console:
    """Content-Security-Policy reports of the pages themselves (axe's own inline styles are not the app's)."""

    def __init__(self, page):
        self.listening, self.reports = True, []
        page.on("console", self.heard)

    def heard(self, message) -> None:
        if self.listening and "Content Security Policy" in message.text:
            self.reports.append(f"{message.location.get('url')}: {message.text[:160]}")


def check_page(page, console: Console, url: str, axe_source: str, problems: list[str]) -> str:
    """Load `url` at phone width, check it there and at screen width; return the HTML served."""
    page.set_viewport_size({"width": PHONE, "height": 844})
    console.listening = True
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    html = response.text()
    console.listening = False
    page.evaluate(axe_source)
    for width in (PHONE, SCREEN):
        if width != PHONE:
            page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            problems.append(f"{url} @{width}: scrolls sideways to {overflow[0]} px: {overflow[1]}")
        for v in page.evaluate(AXE_RUN):
            if v["impact"] in BLOCKING:
                problems.append(f"{url} @{width}: axe {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}")
    return html


class HtmlChecker:
    """The Nu HTML Checker as a local web service, one per module: it starts while the demo is seeded, and
    each role's pages are then checked by a JVM already warm (a JVM started per role took seconds each).
    It reports what `vnu --errors-only` reports: errors, and documents it could not read."""

    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            ["java", "-cp", str(VNU), "nu.validator.servlet.Main", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ready = False

    def _wait(self) -> None:
        deadline = time.monotonic() + 120
        while not self.ready:
            assert self.process.poll() is None, "the Nu HTML Checker stopped"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5):
                    self.ready = True
            except OSError:
                assert time.monotonic() < deadline, "the Nu HTML Checker did not start in 120 s"
                time.sleep(0.2)

    def errors(self, files: list[Path]) -> list[str]:
        self._wait()
        found = []
        for file in files:
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.port}/?out=json",
                data=file.read_bytes(),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - http, on loopback
                messages = json.load(response)["messages"]
            found += [
                f"{file.name}:{m.get('lastLine')}: {m['message']}"
                for m in messages
                if m.get("type") in ("error", "non-document-error")
            ]
        return found

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def html_checker():
    checker = HtmlChecker()
    yield checker
    checker.stop()


def save_shots(page, site: Site, url_path: str, folder: str) -> None:
    name = next((n for n, p in site.shots.items() if p == url_path), None)
    if name is None:
        return
    lang = page.evaluate("document.documentElement.lang")
    for width in (PHONE, SCREEN):
        page.set_viewport_size({"width": width, "height": 844 if width == PHONE else 900})
        page.screenshot(path=f"{folder}/{name}-{lang}-{width}.png", full_page=True)


@pytest.mark.parametrize("role", ["anonymous", "supplier", "buyer", "ministry", "ministry-rounds", "evaluator"])
def test_every_page_of_a_role_fits_a_phone_and_passes_axe_and_the_html_checker(
    role, site, browser, html_checker, sign_in_clock, tmp_path
):
    axe_source = AXE.read_text(encoding="utf-8")
    context = browser.new_context(locale="ko-KR", viewport={"width": PHONE, "height": 844})
    page = context.new_page()
    console = Console(page)
    if role != "anonymous":
        sign_in(page, site.base, site.logins[role], sign_in_clock)
    problems: list[str] = []
    files: list[Path] = []
    shots = os.environ.get("PAGE_SHOTS")
    for language in ("ko", "en"):
        page.goto(f"{site.base}/?lang={language}")
        for path in site.pages[role]:
            site.clock.at = site.as_at.get(path)
            try:
                html = check_page(page, console, site.base + path, axe_source, problems)
            finally:
                site.clock.at = None
            files.append(tmp_path / f"{role}-{language}-{len(files):02d}.html")
            files[-1].write_text(html, encoding="utf-8")
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                save_shots(page, site, path, shots)
    context.close()
    problems += [f"CSP {report}" for report in console.reports]
    problems += [f"vnu {error}" for error in html_checker.errors(files)]
    assert not problems, "\n".join(problems)


def test_the_scroll_width_check_notices_a_page_that_scrolls_sideways(site, browser):
    """The check itself works: a page made wider than the phone is reported."""
    page = browser.new_page(viewport={"width": PHONE, "height": 844})
    page.goto(site.base + "/")
    page.evaluate("document.querySelector('main').style.minWidth = '600px'")
    assert page.evaluate(OVERFLOW)[0] >= 600
    page.close()


def test_the_html_checker_reports_a_page_that_breaks_the_html_rules(html_checker, tmp_path):
    """The check itself works: an element where HTML allows none, and a missing title, are errors."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head></head><body><ul><p>x</p></ul></body></html>')
    errors = html_checker.errors([page])
    assert any("broken.html" in e and "title" in e for e in errors), errors
    assert any("“p”" in e or '"p"' in e for e in errors), errors


VISIBLE = """() => {
  const box = document.querySelector('label[for=no_private_interest]').getBoundingClientRect();
  const header = document.querySelector('#krds-header').getBoundingClientRect();
  return {active: document.activeElement.id, top: box.top, bottom: box.bottom,
          covered_to: Math.max(0, header.bottom), height: window.innerHeight};
}"""


def test_the_no_private_interest_box_scrolls_into_view_below_the_header_when_it_gets_focus(
    site, browser, sign_in_clock
):
    # reduced motion: KRDS scrolls smoothly otherwise, and the check would read the page mid-scroll
    context = browser.new_context(locale="ko-KR", viewport={"width": PHONE, "height": 844}, reduced_motion="reduce")
    page = context.new_page()
    sign_in(page, site.base, site.logins["buyer"], sign_in_clock)
    page.goto(site.base + site.shots["purchase"])
    page.evaluate("document.querySelector('main').style.paddingBottom = '100vh'")  # room to scroll past it
    for width in (PHONE, SCREEN):
        page.set_viewport_size({"width": width, "height": 700})
        # from above: the field before it, then Tab
        page.evaluate("window.scrollTo(0, 0)")
        page.focus("#late_reason")
        page.keyboard.press("Tab")
        seen = page.evaluate(VISIBLE)
        assert seen["active"] == "no_private_interest"
        assert seen["covered_to"] <= seen["top"] and seen["bottom"] <= seen["height"], (width, seen)
        # from below: the page scrolled so that the box sits under the top edge (a sticky header's place)
        page.evaluate("window.scrollBy(0, document.querySelector('label[for=no_private_interest]')"
                      ".getBoundingClientRect().top - 10)")  # fmt: skip
        page.focus("main form button[type=submit]")
        page.keyboard.press("Shift+Tab")
        seen = page.evaluate(VISIBLE)
        assert seen["active"] == "no_private_interest"
        assert seen["covered_to"] <= seen["top"] and seen["bottom"] <= seen["height"], (width, seen)
    context.close()
