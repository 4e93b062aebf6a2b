"""A round may be for some product categories: its opening is told only to the suppliers of those categories,
only their products may apply, and its pages say which; a round for none is for every category."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace.domain.rounds import InvalidRoundError, check_categories, in_categories
from marketplace.extensions import db
from marketplace.models import AuditEvent, Notification, Round, RoundCategory
from marketplace.services import applications as apps
from marketplace.services import rounds
from tests.builders_rounds import RoundBuilders
from tests.functional.test_rounds_pages import EN, ROUND_FORM, _with_mou

KO = {"Accept-Language": "ko"}


def test_the_category_rules():
    assert check_categories(["water", "energy", "water"], {"water", "energy", "ict"}) == ("energy", "water")
    assert check_categories([], {"water"}) == ()
    with pytest.raises(InvalidRoundError, match="Unknown product category"):
        check_categories(["water", "spaceships"], {"water"})
    assert in_categories("ict", ()) and in_categories("water", ("water",)) and not in_categories("ict", ("water",))


def water_round(make, **kw) -> Round:
    return RoundBuilders(make).round(category_rows=[RoundCategory(category="water")], **kw)


def test_opening_tells_only_the_suppliers_with_a_listed_product_in_the_rounds_categories(app, make):
    water = make.user("supplier")
    make.product(water.company, category="water")
    both = make.user("supplier")
    make.product(both.company, category="energy")
    make.product(both.company, category="water")
    energy = make.user("supplier")
    make.product(energy.company, category="energy")
    round_ = water_round(make, status="draft")
    rounds.open_round(make.user("ministry"), round_.code)
    told = {n.recipient_id for n in db.session.scalars(select(Notification).where(Notification.kind == "round_opened"))}
    assert told == {water.id, both.id}


def test_a_round_without_categories_tells_every_supplier_who_could_apply(app, make):
    suppliers = [make.user("supplier") for _ in range(2)]
    make.product(suppliers[0].company, category="water")
    make.product(suppliers[1].company, category="ict")
    round_ = RoundBuilders(make).round(status="draft")
    rounds.open_round(make.user("ministry"), round_.code)
    assert {n.recipient_id for n in db.session.scalars(select(Notification))} == {s.id for s in suppliers}


def test_only_a_product_in_the_rounds_categories_may_apply(app, make):
    supplier = make.user("supplier")
    pump = make.product(supplier.company, category="water")
    panel = make.product(supplier.company, category="energy")
    round_ = water_round(make)
    assert [p.id for p in apps.eligible_products(supplier, round_)] == [pump.id]
    data = apps.ApplicationInput(10_000_000, [], "")
    with pytest.raises(apps.rules.RoundError, match="not for this product's category"):
        apps.apply(supplier, round_.code, panel.id, data)
    assert apps.apply(supplier, round_.code, pump.id, data).product_id == pump.id


def test_staff_choose_the_categories_on_the_round_form_and_the_pages_name_them(client, auth, make):
    _with_mou(make, "KEPCO", committed=5_000_000_000)
    auth.login(make.user("ministry"), language="en")
    form = {k: v for k, v in ROUND_FORM.items() if not k.startswith("budget-")} | {"budget-KEPCO": "1,000,000"}
    html = client.get("/ministry/rounds/new").get_data(as_text=True)
    assert 'type="checkbox"' in html and 'value="water"' in html and "Water and environment" in html
    response = client.post("/ministry/rounds/new", data={**form, "categories": ["water", "ict"]}, headers=EN)
    assert response.status_code == 302
    round_ = db.session.scalar(select(Round))
    assert round_.categories == ["ict", "water"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.created"))
    assert event.after["categories"] == ["ict", "water"]
    edit = client.get(f"/ministry/rounds/{round_.code}/edit").get_data(as_text=True)
    ticked = set(re.findall(r'<input checked[^>]*name="categories"[^>]*value="(\w+)"', edit))
    assert ticked == {"ict", "water"}, ticked
    response = client.post(f"/ministry/rounds/{round_.code}/edit", data={**form, "categories": ["energy"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert round_.categories == ["energy"]
    page = client.get(f"/ministry/rounds/{round_.code}", headers=EN).get_data(as_text=True)
    assert "Energy and power" in page
    auth.login(make.user("ministry"), language="ko")
    assert "에너지" in client.get(f"/ministry/rounds/{round_.code}").get_data(as_text=True)


def test_an_unknown_category_is_refused_with_400_and_nothing_saved(client, auth, make):
    _with_mou(make, "KEPCO", committed=5_000_000_000)
    auth.login(make.user("ministry"), language="en")
    form = {k: v for k, v in ROUND_FORM.items() if not k.startswith("budget-")} | {"budget-KEPCO": "1,000,000"}
    response = client.post("/ministry/rounds/new", data={**form, "categories": ["water", "x" * 5000]})
    assert response.status_code == 400 and "Unknown product category" in response.get_data(as_text=True)
    assert db.session.scalar(select(Round)) is None


def test_the_public_round_page_names_the_categories_or_every_category(client, make):
    round_ = water_round(make)
    assert "Water and environment" in client.get(f"/rounds/{round_.code}", headers=EN).get_data(as_text=True)
    everyone = RoundBuilders(make).round()
    assert "Every category" in client.get(f"/rounds/{everyone.code}", headers=EN).get_data(as_text=True)
