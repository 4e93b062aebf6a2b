"""Every list page shows one page of rows and a pager that keeps the list's filters; bad page numbers never fail."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import event

from marketplace.extensions import db
from marketplace.models import (
    Allocation,
    Application,
    AuditEvent,
    Certificate,
    Company,
    CorrectiveAction,
    FollowOnPurchase,
    Institution,
    Need,
    Order,
    Product,
    QuotaEntry,
    Round,
)
from marketplace.services import quota
from marketplace.services.audit import record_event
from tests.builders_catalogue import searchable_product
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import RoundBuilders

PER_PAGE = 2
ROWS = ["목록가행", "목록나행", "목록다행"]  # one row more than a page; no marker is part of another
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BAD_PAGES = ["abc", "-1", "0", "1e3", "٣", "", "9" * 5000, "99999999999999999999"]


@dataclass
class ListCase:
    url: str  # with the list's filters
    markers: list[str]  # a text of each row, in no particular order
    template: str
    param: str = "page"
    model: type | None = None  # rows of this model are loaded only for the page shown


class World:
    def __init__(self, auth, make):
        self.auth, self.make = auth, make
        self.ob, self.rb = OrderBuilders(make), RoundBuilders(make)

    def staff(self):
        user = self.make.user("ministry")
        self.sign_in(user)
        return user

    def supplier(self):
        user = self.make.user("supplier")
        self.sign_in(user)
        return user

    def sign_in(self, user) -> None:
        assert self.auth.login(user, language="ko").status_code == 302

    def orders(self):
        """A buyer, their institution's MOU, an allocation and three orders against it."""
        buyer, mou, allocation = self.ob.setup()
        numbers = [self.ob.order(buyer, allocation, mou, quantity=1).number for _ in ROWS]
        return buyer, allocation, numbers


def _catalogue(w: World) -> ListCase:
    company = w.make.company()
    certificate = w.make.certificate(company)
    for name in ROWS:
        searchable_product(w.make, company, name_ko=name, certificates=[certificate])
    return ListCase(f"/products?q={quote('목록')}&sort=name", ROWS, "public/catalogue.html")


def _public_supplier(w: World) -> ListCase:
    company = w.make.company()
    for name in ROWS:
        w.make.product(company, name_ko=name)
    return ListCase(f"/suppliers/{company.id}", ROWS, "public/supplier.html", model=Product)


def _public_rounds(w: World) -> ListCase:
    codes = [f"LIST-{c}-R" for c in "ABC"]
    for code in codes:
        w.rb.round(code=code)
    return ListCase("/rounds", codes, "public/rounds/list.html")


def _companies(w: World) -> ListCase:
    w.staff()
    for name in ROWS:
        w.make.company(status="pending", name_ko=name)
    w.make.company(name_ko="승인된기업")  # filtered out
    return ListCase("/ministry/companies?status=pending", ROWS, "ministry/companies.html", model=Company)


def _certificates(w: World) -> ListCase:
    w.staff()
    for number in ROWS:
        w.make.certificate(status="pending", number=number)
    return ListCase("/ministry/certificates?status=pending", ROWS, "ministry/certificates.html", model=Certificate)


def _audit_log(w: World) -> ListCase:
    staff = w.staff()
    for reason in ROWS:
        record_event(staff, "list.checked", staff, reason=reason)
    db.session.commit()
    return ListCase("/ministry/audit?action=list.checked", ROWS, "ministry/audit_log.html", model=AuditEvent)


def _institutions(w: World) -> ListCase:
    w.staff()
    for name in ROWS:
        w.make.institution(name_ko=name)
    return ListCase("/ministry/institutions", ROWS, "ministry/institutions.html", model=Institution)


def _join_requests(w: World) -> ListCase:
    w.staff()
    for name in ROWS:
        w.make.institution(name_ko=name, status="pending")
    return ListCase("/ministry/join-requests", ROWS, "ministry/join_requests.html", model=Institution)


def _mou_ledger(w: World) -> ListCase:
    staff = w.staff()
    mou = w.ob.mou(actor=staff)
    for reason in ROWS[1:]:
        quota.amend_mou(staff, mou.id, 1_000_000, reason)
    # the commit entry comes first, with its reason in the reader's language
    return ListCase(f"/ministry/mous/{mou.id}", ["협약 체결", *ROWS[1:]], "ministry/mou.html", model=QuotaEntry)


def _ministry_rounds(w: World) -> ListCase:
    w.staff()
    codes = [f"LIST-{c}-R" for c in "ABC"]
    for code in codes:
        w.rb.round(code=code, status="draft")
    return ListCase("/ministry/rounds", codes, "ministry/rounds/list.html", model=Round)


def _round_applications(w: World) -> ListCase:
    w.staff()
    round_ = w.rb.round()
    for name in ROWS:
        w.rb.application(round_, w.make.product(name_ko=name))
    return ListCase(f"/ministry/rounds/{round_.code}", ROWS, "ministry/rounds/round.html")


def _institution_orders(w: World) -> ListCase:
    buyer, _allocation, numbers = w.orders()
    w.staff()
    return ListCase(f"/ministry/institutions/{buyer.institution_id}", numbers, "ministry/institution.html", model=Order)


def _buyer_orders(w: World) -> ListCase:
    buyer, _allocation, numbers = w.orders()
    w.sign_in(buyer)
    return ListCase("/buyer/orders?status=placed", numbers, "buyer/orders.html", model=Order)


def _own_selected_products(w: World) -> ListCase:
    buyer = w.make.user("buyer")
    for name in ROWS:
        w.ob.allocation(buyer.institution, w.make.product(name_ko=name))
    w.sign_in(buyer)
    return ListCase("/buyer/selected-products", ROWS, "buyer/selected_products.html", model=Allocation)


def _other_selected_products(w: World) -> ListCase:
    buyer, other = w.make.user("buyer"), w.make.institution()
    for name in ROWS:
        w.ob.allocation(other, w.make.product(name_ko=name))
    w.sign_in(buyer)
    return ListCase("/buyer/selected-products", ROWS, "buyer/selected_products.html", param="others_page")


def _supplier_orders(w: World) -> ListCase:
    _buyer, allocation, numbers = w.orders()
    supplier = w.make.user("supplier", company=allocation.application.product.company)
    w.sign_in(supplier)
    return ListCase("/supplier/orders", numbers, "supplier/orders.html", model=Order)


def _supplier_certificates(w: World) -> ListCase:
    user = w.supplier()
    for number in ROWS:
        w.make.certificate(user.company, number=number)
    return ListCase("/supplier/certificates", ROWS, "supplier/certificates.html", model=Certificate)


def _supplier_products(w: World) -> ListCase:
    user = w.supplier()
    for name in ROWS:
        w.make.product(user.company, name_ko=name)
    return ListCase("/supplier/products", ROWS, "supplier/products.html", model=Product)


def _supplier_applications(w: World) -> ListCase:
    user = w.supplier()
    round_ = w.rb.round()
    for name in ROWS:
        w.rb.application(round_, w.make.product(user.company, name_ko=name))
    return ListCase("/supplier/applications", ROWS, "supplier/applications/list.html", model=Application)


def _after_pilot_rows(w: World, *, follow_ons: bool):
    """Three orders of one company's products named ROWS, each with a follow-on purchase or a corrective action."""
    buyer, mou, _allocation = w.ob.setup()
    company = w.make.company()
    for name in ROWS:
        order = w.ob.order(buyer, w.ob.allocation(buyer.institution, w.make.product(company, name_ko=name)), mou)
        facts = dict(order_id=order.id, institution_id=order.institution_id, product_id=order.product_id)
        if follow_ons:
            row = FollowOnPurchase(
                **facts,
                buyer_id=buyer.id,
                contracted_on=order.ordered_on,
                quantity=1,
                amount_krw=1,
                contract_method="general_tender",
                reference=name,
            )
        else:
            row = CorrectiveAction(**facts, company_id=company.id, cause="rejected_inspection", finding="x")
        db.session.add(row)
    db.session.commit()
    return buyer, company


def _buyer_follow_ons(w: World) -> ListCase:
    buyer, _company = _after_pilot_rows(w, follow_ons=True)
    w.sign_in(buyer)
    return ListCase("/buyer/follow-on-purchases", ROWS, "buyer/follow_ons.html", model=FollowOnPurchase)


def _supplier_follow_ons(w: World) -> ListCase:
    _buyer, company = _after_pilot_rows(w, follow_ons=True)
    w.sign_in(w.make.user("supplier", company=company))
    return ListCase("/supplier/follow-on-purchases", ROWS, "supplier/follow_ons.html", model=FollowOnPurchase)


def _ministry_follow_ons(w: World) -> ListCase:
    _after_pilot_rows(w, follow_ons=True)
    w.staff()
    return ListCase("/ministry/follow-on-purchases", ROWS, "ministry/follow_ons.html", model=FollowOnPurchase)


def _supplier_corrective_actions(w: World) -> ListCase:
    _buyer, company = _after_pilot_rows(w, follow_ons=False)
    w.sign_in(w.make.user("supplier", company=company))
    return ListCase("/supplier/corrective-actions", ROWS, "supplier/corrective_actions.html", model=CorrectiveAction)


def _ministry_corrective_actions(w: World) -> ListCase:
    _after_pilot_rows(w, follow_ons=False)
    w.staff()
    return ListCase(
        "/ministry/corrective-actions?status=opened", ROWS, "ministry/corrective_actions.html", model=CorrectiveAction
    )


def _notifications(w: World) -> ListCase:
    from marketplace.database import begin_write
    from marketplace.models import Notification
    from marketplace.services.notifications import notify

    user = w.supplier()
    begin_write()
    for n, name in enumerate(ROWS):
        notify(user, "company_decided", f"list-{n}", {"variant": "approved", "company_ko": name, "company_en": name})
    db.session.commit()
    return ListCase("/notifications", ROWS, "auth/notifications.html", model=Notification)


def _posted_needs(w: World):
    from marketplace.services import needs
    from tests.builders_needs import need_input

    buyer = w.make.user("buyer")
    for title in ROWS:
        needs.post_need(buyer, need_input(title=title))
    return buyer


def _public_needs(w: World) -> ListCase:
    _posted_needs(w)
    return ListCase("/needs?category=electronics", ROWS, "needs/public_list.html", model=Need)


def _buyer_needs(w: World) -> ListCase:
    w.sign_in(_posted_needs(w))
    return ListCase("/buyer/needs", ROWS, "needs/buyer_list.html", model=Need)


def _ministry_needs(w: World) -> ListCase:
    _posted_needs(w)
    w.staff()
    return ListCase("/ministry/needs", ROWS, "needs/ministry_list.html", model=Need)


CASES = {
    f.__name__.lstrip("_"): f
    for f in (
        _catalogue,
        _public_supplier,
        _public_rounds,
        _companies,
        _certificates,
        _audit_log,
        _institutions,
        _join_requests,
        _mou_ledger,
        _ministry_rounds,
        _round_applications,
        _institution_orders,
        _buyer_orders,
        _own_selected_products,
        _other_selected_products,
        _supplier_orders,
        _supplier_certificates,
        _supplier_products,
        _supplier_applications,
        _buyer_follow_ons,
        _supplier_follow_ons,
        _ministry_follow_ons,
        _supplier_corrective_actions,
        _ministry_corrective_actions,
        _notifications,
        _public_needs,
        _buyer_needs,
        _ministry_needs,
    )
}


@pytest.fixture
def small_pages(app):
    app.config.update(LIST_PAGE_SIZE=PER_PAGE, AUDIT_LOG_PAGE_SIZE=PER_PAGE, CATALOGUE_PAGE_SIZE=PER_PAGE)


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _shown(html: str, markers: list[str]) -> set[str]:
    return {m for m in markers if m in html}


def _with(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _pager(html: str, label: str | None = None) -> str:
    """The pager's markup (the one with this aria-label when a page has two)."""
    navs = re.findall(r'<nav class="krds-pagination" aria-label="([^"]*)">(.*?)</nav>', html, re.S)
    found = [body for name, body in navs if label is None or name == label]
    assert len(found) == 1, navs
    return found[0]


@contextmanager
def _loads(model):
    """The ids of `model` rows loaded from the database meanwhile."""
    loaded: list[int] = []
    if model is None:
        yield loaded
        return

    def count(target, _context):
        loaded.append(target.id)

    event.listen(model, "load", count)
    try:
        yield loaded
    finally:
        event.remove(model, "load", count)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_longer_than_a_page_is_cut_into_pages_with_a_pager_that_keeps_its_filters(
    name, client, auth, make, small_pages
):
    case = CASES[name](World(auth, make))
    label = "다른 선정 제품 목록 페이지" if case.param == "others_page" else "페이지"
    # Other parameters, the list's filters among them, stay in the pager's links, encoded, whatever their
    # names (some are url_for's own keyword names).
    url = _with(case.url, "keep=%EA%B0%80+1&endpoint=x&_external=1")
    with _loads(case.model) as loaded:
        first = _get(client, url)
    assert len(loaded) <= PER_PAGE, loaded
    second = _get(client, _with(url, f"{case.param}=2"))
    on_first, on_second = _shown(first, case.markers), _shown(second, case.markers)
    assert len(on_first) == PER_PAGE and on_second == set(case.markers) - on_first

    pager = _pager(first, label)
    path, _, query = url.partition("?")
    next_link = f'href="{path}?{query.replace("&", "&amp;")}&amp;{case.param}=2" rel="next"'
    assert next_link in pager, pager
    assert 'aria-current="page">1</a>' in pager and 'rel="prev"' not in pager
    back = _pager(second, label)
    assert f'href="{path}?{query.replace("&", "&amp;")}" rel="prev"' in back  # page 1 needs no number
    assert 'aria-current="page">2</a>' in back and 'rel="next"' not in back

    for bad in BAD_PAGES:  # not a page number: the first page, never an error
        assert _shown(_get(client, _with(case.url, f"{case.param}={bad}")), case.markers) == on_first, bad
    assert _shown(_get(client, _with(case.url, f"{case.param}=999999")), case.markers) == on_second  # the last


def test_every_template_with_a_pager_has_a_case_above():
    with_pager = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "pager(" in path.read_text(encoding="utf-8") and "macros" not in path.parts
    }
    in_cases = set(re.findall(r'"([a-z_/]+\.html)"', Path(__file__).read_text(encoding="utf-8")))
    assert with_pager == in_cases


def test_a_decision_taken_on_a_later_page_of_the_queue_comes_back_to_that_page(client, auth, make, small_pages):
    w = World(auth, make)
    w.staff()
    certificates = [w.make.certificate(status="pending", number=number) for number in ROWS]
    queue = _get(client, "/ministry/certificates?status=&page=2")  # all statuses: the oldest first
    assert ROWS[2] in queue and ROWS[0] not in queue
    assert '<input type="hidden" name="status" value="">' in queue
    assert '<input type="hidden" name="page" value="2">' in queue
    last = certificates[2]
    refused = client.post(
        f"/ministry/certificates/{last.id}/decision", data={"action": "reject", "reason": "", "status": "", "page": "2"}
    )
    assert refused.status_code == 400  # a rejection needs a reason: the same page, the row marked
    assert ROWS[2] in refused.get_data(as_text=True) and ROWS[0] not in refused.get_data(as_text=True)
    done = client.post(
        f"/ministry/certificates/{last.id}/decision", data={"action": "verify", "status": "", "page": "2"}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/ministry/certificates?status=&page=2"


def test_a_declined_join_request_comes_back_to_the_page_it_was_on(client, auth, make, small_pages):
    w = World(auth, make)
    w.staff()
    pending = [w.make.institution(name_ko=name, status="pending") for name in ROWS]
    assert '<input type="hidden" name="page" value="2">' in _get(client, "/ministry/join-requests?page=2")
    response = client.post(f"/ministry/join-requests/{pending[2].id}/decline", data={"reason": "중복", "page": "2"})
    assert response.status_code == 302 and response.headers["Location"] == "/ministry/join-requests?page=2"
