"""A need's round in the open data: the institution is the buyer, the need is the planning and the item, the
proposals the tenderers, the award rests on the minutes; every package validates against OCDS 1.1.5."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marketplace.domain.clock import seoul_date
from marketplace.extensions import db
from marketplace.models import Allocation
from marketplace.models.types import as_at
from marketplace.services import need_selection, needs
from tests.builders_needs import NeedBuilders
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import Clock
from tests.ocds_schema import codes_outside_codelists, errors


@pytest.fixture
def moment(monkeypatch):
    return Clock(monkeypatch)


def get_json(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    return json.loads(response.get_data(as_text=True))


def test_a_selected_need_is_a_valid_record_with_the_institution_as_buyer(app, make, client, moment):
    build = NeedBuilders(make, moment)
    buyer, staff = make.user("buyer"), make.user("ministry")
    mou = OrderBuilders(make).mou(buyer.institution, committed=100_000_000)
    need = build.need(buyer)
    chosen, other = build.proposal(need), build.proposal(need)
    quitter = make.user("supplier")
    needs.withdraw_proposal(quitter, build.proposal(need, quitter).id)  # not a tenderer
    build.past_deadline(need)
    build.shortlist(buyer, need, [chosen], [other])
    build.committee_scores(staff, need, {chosen.id: [(35, 25, 25)]})
    need_selection.select_for_need(staff, need.id)
    allocation = db.session.scalars(select(Allocation)).one()
    with as_at(moment.now):
        OrderBuilders(make).order(buyer, allocation, mou, ordered_on=seoul_date(moment.now))

    package = get_json(client, "/ocds/records.json")
    assert errors(package, "record") == []
    (record,) = package["records"]
    assert [c for r in record["releases"] for c in codes_outside_codelists(r)] == []
    compiled = record["compiledRelease"]
    assert codes_outside_codelists(compiled) == []
    assert compiled["buyer"]["name"] == buyer.institution.name_ko
    assert compiled["planning"]["budget"]["amount"] == {"amount": need.budget_krw, "currency": "KRW"}
    tender = compiled["tender"]
    assert tender["numberOfTenderers"] == 2 and tender["items"][0]["quantity"] == need.quantity
    assert tender["procurementMethod"] == "selective" and tender["status"] == "complete"
    documents = {d["id"] for d in tender["documents"]}
    assert {"need", "committee-minutes"} <= documents and "result" not in documents
    (award,) = compiled["awards"]
    assert award["value"]["amount"] == need.budget_krw
    assert len(compiled["contracts"]) == 1
    releases = get_json(client, "/ocds/releases.json")
    assert errors(releases, "release") == []
