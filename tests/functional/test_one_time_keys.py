"""A form posted twice changes things once: the repeat of a one-time key gets the first answer.

The forms are posted as the pages render them (every field, hidden ones included), the way a
browser sends them again after a double click or a retry.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import g
from flask_wtf import FlaskForm

from marketplace import form_keys
from marketplace.extensions import db
from marketplace.models import AuditEvent, FormSubmission, Institution, Mou, Order, QuotaEntry, User
from marketplace.services import orders as order_service
from tests.builders_orders import OrderBuilders

EN = {"Accept-Language": "en"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class Forms(HTMLParser):
    """The POST forms of a page, each with what a browser would send (no button pressed)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        if not self.forms or not self.forms[-1].get("open", True):
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name") and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
            fields.setdefault(a["name"], a.get("value") or "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and (self._select not in fields or "selected" in a):
            fields[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.forms:
            self.forms[-1]["open"] = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def rendered_form(client, page: str, target: str, **overrides) -> dict:
    """The fields of the form posting to `target` on `page`, with `overrides` typed in."""
    html = client.get(page, headers=EN).get_data(as_text=True)
    form = next(f for f in Forms(html).forms if (f["action"] or page).endswith(target))
    return {**form["fields"], **overrides}


def sign_in(client, user):
    """Sign in through the forms, typing the authenticator's code when asked (ministry staff)."""
    from marketplace.services import sign_in as sign_in_service
    from tests.conftest import AuthActions

    response = AuthActions(client, sign_in_service.now).login(user)  # now is the frozen sign-in clock here
    assert response.status_code == 302


@pytest.fixture
def ob(make):
    return OrderBuilders(make)


def purchase_form(client, allocation, **overrides) -> dict:
    values = {"quantity": "2", "contract_method": "private_contract", "no_private_interest": "y", **overrides}
    return rendered_form(client, f"/buyer/purchase/{allocation.id}", f"/buyer/purchase/{allocation.id}", **values)


def count(model, **where) -> int:
    return db.session.query(model).filter_by(**where).count()


def test_a_purchase_form_posted_twice_places_one_order_and_the_repeat_shows_it(client, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    sign_in(client, buyer)
    data = purchase_form(client, allocation)
    assert data.get("form_key")

    first = client.post(f"/buyer/purchase/{allocation.id}", data=data)
    second = client.post(f"/buyer/purchase/{allocation.id}", data=data, headers=EN)
    third = client.post(f"/buyer/purchase/{allocation.id}", data=data, headers=EN)

    order = db.session.query(Order).one()
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/buyer/orders/{order.id}")
    assert (second.status_code, third.status_code) == (303, 303)
    assert second.headers["Location"] == third.headers["Location"] == first.headers["Location"]
    assert count(QuotaEntry, kind="charge") == 1
    assert db.session.get(Mou, mou.id).balance_krw == 8_000_000
    page = client.get(second.headers["Location"], headers=EN).get_data(as_text=True)
    assert "already submitted; here is the result" in page and order.number in page


def test_an_mou_amendment_posted_twice_is_recorded_once(client, make, ob):
    staff = make.user("ministry")
    mou = ob.mou(committed=5_000_000)
    sign_in(client, staff)
    data = rendered_form(client, f"/ministry/mous/{mou.id}", "/amend", delta="+1,000,000", reason="top-up")

    first = client.post(f"/ministry/mous/{mou.id}/amend", data=data)
    second = client.post(f"/ministry/mous/{mou.id}/amend", data=data)

    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(QuotaEntry, kind="amendment") == 1 and count(AuditEvent, action="mou.amended") == 1
    assert db.session.get(Mou, mou.id).committed_krw == 6_000_000


def test_an_order_cancel_posted_twice_releases_the_amount_once(client, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    order = ob.order(buyer, allocation, mou, quantity=3)
    sign_in(client, buyer)
    data = rendered_form(client, f"/buyer/orders/{order.id}", "/cancel", reason="Ordered by mistake")

    first = client.post(f"/buyer/orders/{order.id}/cancel", data=data)
    second = client.post(f"/buyer/orders/{order.id}/cancel", data=data, headers=EN)

    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(QuotaEntry, kind="release") == 1
    assert db.session.get(Mou, mou.id).balance_krw == 10_000_000


def test_a_company_decision_sent_twice_from_its_button_form_is_taken_once(client, make):
    company = make.company(status="pending")
    sign_in(client, make.user("ministry"))
    data = rendered_form(client, f"/ministry/companies/{company.id}", "/decision", action="approve")

    first = client.post(f"/ministry/companies/{company.id}/decision", data=data)
    second = client.post(f"/ministry/companies/{company.id}/decision", data=data)

    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(AuditEvent, action="company.approved") == 1


def test_a_buyer_invitation_shown_in_place_sent_twice_invites_once_and_the_repeat_goes_to_the_page(client, make):
    institution = make.institution()
    sign_in(client, make.user("ministry"))
    page = f"/ministry/institutions/{institution.id}"
    data = rendered_form(client, page, "/invite", name="Kim", email="kim@example.com")
    came_from = {"Referer": f"http://localhost{page}"}

    first = client.post(f"{page}/invite", data=data, headers=came_from)
    second = client.post(f"{page}/invite", data=data, headers=came_from)

    assert first.status_code == 200 and "/set-password/" in first.get_data(as_text=True)
    assert second.status_code == 303 and second.headers["Location"] == page
    assert count(User, email="kim@example.com") == 1


def test_a_new_institution_form_sent_twice_creates_one(client, make):
    sign_in(client, make.user("ministry"))
    data = rendered_form(
        client,
        "/ministry/institutions/new",
        "/institutions/new",
        code="KEPCO",
        name_ko="한국전력공사",
        name_en="KEPCO",
        kind="public_enterprise",
        region="jeonnam",
    )

    first = client.post("/ministry/institutions/new", data=data)
    second = client.post("/ministry/institutions/new", data=data)

    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]


def test_two_posts_of_one_purchase_form_at_the_same_moment_place_one_order(app, ob, monkeypatch):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    clients = [app.test_client(), app.test_client()]
    for each in clients:
        sign_in(each, buyer)
    data = purchase_form(clients[0], allocation)
    # Both requests pass their checks before either takes the write lock: the race of a double click.
    both_checked = threading.Barrier(2, timeout=30)
    begin_write = order_service.begin_write

    def together():
        both_checked.wait()
        begin_write()

    monkeypatch.setattr(order_service, "begin_write", together)
    url = f"/buyer/purchase/{allocation.id}"
    db.session.commit()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda each: each.post(url, data=data), clients))

    order = db.session.query(Order).one()
    assert sorted(a.status_code for a in answers) == [302, 303]
    assert {a.headers["Location"] for a in answers} == {f"/buyer/orders/{order.id}"}
    assert count(QuotaEntry, kind="charge") == 1


def test_a_refused_post_leaves_its_key_free_for_the_corrected_form(client, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    sign_in(client, buyer)
    data = purchase_form(client, allocation, quantity="0")

    refused = client.post(f"/buyer/purchase/{allocation.id}", data=data, headers=EN)
    assert refused.status_code == 400 and f'value="{data["form_key"]}"' in refused.get_data(as_text=True)
    assert client.post(f"/buyer/purchase/{allocation.id}", data={**data, "quantity": "2"}).status_code == 302
    assert count(Order) == 1


def test_a_use_case_refused_inside_its_write_transaction_leaves_the_key_free(client, ob):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    sign_in(client, buyer)
    url = f"/buyer/orders/{order.id}/deliver"
    data = rendered_form(client, f"/buyer/orders/{order.id}", "/deliver")
    too_early = (order.ordered_on.replace(year=order.ordered_on.year - 1)).isoformat()

    refused = client.post(url, data={**data, "delivered_on": too_early}, headers=EN)
    assert refused.status_code == 400 and f'value="{data["form_key"]}"' in refused.get_data(as_text=True)
    assert count(FormSubmission) == 0
    assert client.post(url, data=data).status_code == 302
    assert db.session.get(Order, order.id).status == "delivered"


def test_a_key_claimed_by_another_account_is_refused(client, ob):
    first_buyer, first_mou, first_allocation = ob.setup()
    first_order = ob.order(first_buyer, first_allocation, first_mou)
    other_buyer, other_mou, other_allocation = ob.setup()
    other_order = ob.order(other_buyer, other_allocation, other_mou)
    sign_in(client, first_buyer)
    data = rendered_form(client, f"/buyer/orders/{first_order.id}", "/cancel", reason="Not needed")
    assert client.post(f"/buyer/orders/{first_order.id}/cancel", data=data).status_code == 302

    client.post("/logout", data={"form_key": form_keys.new_key()})
    sign_in(client, other_buyer)
    refused = client.post(f"/buyer/orders/{other_order.id}/cancel", data=data, headers=EN)
    assert refused.status_code == 400 and "another account" in refused.get_data(as_text=True)
    assert db.session.get(Order, other_order.id).status == "placed"


def test_a_repeat_while_the_first_has_no_answer_yet_is_told_to_wait_and_does_nothing(app, client, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    sign_in(client, buyer)
    data = purchase_form(client, allocation)
    db.session.add(
        FormSubmission(
            key=data["form_key"],
            user_id=buyer.id,
            endpoint="buyer.record_purchase",
            created_at=datetime(2030, 1, 1, tzinfo=UTC),
        )
    )
    db.session.commit()
    app.config["FORM_KEY_WAIT_SECONDS"] = 0.2

    answer = client.post(f"/buyer/purchase/{allocation.id}", data=data, headers=EN)
    assert answer.status_code == 409 and "still being processed" in answer.get_data(as_text=True)
    assert count(Order) == 0


def test_a_write_without_begin_write_claims_the_key_at_its_first_flush(app):
    key = form_keys.new_key()
    with app.test_request_context("/", method="POST", data={"form_key": key}):
        g.form_key = key
        db.session.add(Institution(code="KEYTEST", name_ko="키 시험 기관", kind="other", region="seoul"))
        db.session.flush()
        assert db.session.get(FormSubmission, key) is not None
        db.session.commit()
    with app.test_request_context("/", method="POST", data={"form_key": key}):
        g.form_key, g.form_key_claim = key, None  # the test's app context (and g) outlives each request
        db.session.add(Institution(code="KEYTEST2", name_ko="키 시험 기관 2", kind="other", region="seoul"))
        with pytest.raises(form_keys.FormAlreadySubmitted):
            db.session.flush()
        db.session.rollback()
    assert count(Institution, code="KEYTEST") == 1 and count(Institution, code="KEYTEST2") == 0


def test_a_malformed_key_is_refused_with_a_plain_message(client, ob):
    buyer, mou, allocation = ob.setup()
    sign_in(client, buyer)
    data = purchase_form(client, allocation, form_key="<script>")
    answer = client.post(f"/buyer/purchase/{allocation.id}", data=data, headers=EN)
    assert answer.status_code == 400 and "Reload the page" in answer.get_data(as_text=True)
    assert count(Order) == 0


def test_purging_deletes_only_keys_claimed_before_the_cut(app):
    old, new = form_keys.new_key(), form_keys.new_key()
    db.session.add_all(
        [
            FormSubmission(key=old, endpoint="x", created_at=datetime(2030, 1, 1, tzinfo=UTC)),
            FormSubmission(key=new, endpoint="x", created_at=datetime(2030, 1, 9, tzinfo=UTC)),
        ]
    )
    db.session.commit()
    assert form_keys.purge(datetime(2030, 1, 5, tzinfo=UTC)) == 1
    assert [row.key for row in db.session.query(FormSubmission)] == [new]
    assert "Deleted 0 form keys" in app.test_cli_runner().invoke(args=["purge-form-keys"]).output


def test_every_post_form_the_app_renders_carries_a_one_time_key(sqlite_app, make):
    from tests.functional.test_access import RULES, World

    world = World(make)
    checked, missing = set(), []
    for role in ("anonymous", "supplier", "buyer", "ministry"):
        client = sqlite_app.test_client()
        if role != "anonymous":
            sign_in(client, getattr(world, role))
        for rule in RULES:
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            url = world.url_for(rule)
            response = client.get(url, headers=EN)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for form in Forms(response.get_data(as_text=True)).forms:
                action = (form["action"] or url).split("?")[0]
                if action == "/login":
                    continue  # sign-in carries no key (auth/forms.py LoginForm says why)
                checked.add(action)
                if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", form["fields"].get("form_key", "")):
                    missing.append((role, rule.endpoint, action))
    assert missing == []
    assert len(checked) >= 15, checked


def test_every_post_form_in_the_templates_includes_the_key_or_a_form_that_has_it():
    """Forms in states the rendering test does not reach: each carries hidden_tag(), csrf() or the field."""
    bare = []
    for path in TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", path.read_text(encoding="utf-8"), re.S):
            if not re.search(r"hidden_tag\(\)|\{\{ csrf\(\) \}\}|form_key_field\(\)", form):
                bare.append((path.name, form[:80]))
    assert bare == []


def test_every_form_class_that_posts_is_a_one_time_form():
    from marketplace import create_app
    from marketplace.forms import OneTimeForm
    from tests.conftest import base_config

    create_app(base_config("sqlite://"))  # imports every blueprint's forms
    # sign-in and its second step (see LoginForm's comment); certificate verification only reads
    exempt = {"LoginForm", "CodeForm", "UploadForm"}
    found, stack = [], list(FlaskForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("marketplace.") and cls.Meta.csrf is not False:  # csrf off: a GET form
            found.append(cls)
    posting = [cls for cls in found if cls.__name__ not in exempt and cls is not OneTimeForm]
    assert len(posting) >= 20
    assert [cls.__name__ for cls in posting if not issubclass(cls, OneTimeForm)] == []
