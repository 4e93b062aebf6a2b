"""The public API's needs: the list (by category, without withdrawn needs, walked by cursor) and one need with
its proposals counted (never named), the committee's round and the selection once made."""

from __future__ import annotations

import pytest

from marketplace.services import need_selection, needs
from tests.builders_needs import NeedBuilders
from tests.builders_rounds import Clock

GOOD, FAIR = (35, 25, 25), (30, 22, 20)
EN = {"Accept-Language": "en"}


@pytest.fixture
def build(make, monkeypatch):
    return NeedBuilders(make, Clock(monkeypatch))


def test_the_list_names_the_institution_and_leaves_withdrawn_needs_out(app, client, make, build):
    buyer = make.user("buyer")
    kept = build.need(buyer, title="열화 진단 센서", category="electronics")
    medical = build.need(buyer, category="medical")
    gone = build.need(buyer)
    needs.withdraw_need(buyer, gone.id, "예산 조정")
    answer = client.get("/api/v1/needs", headers=EN).get_json()
    assert [n["number"] for n in answer["items"]] == [medical.number, kept.number]
    item = answer["items"][1]
    assert item["institution"]["id"] == buyer.institution_id and item["title"] == "열화 진단 센서"
    assert item["budget_krw"] == kept.budget_krw and item["status"] == "open"
    assert item["category"]["code"] == "electronics" and item["category"]["name_ko"] != item["category"]["name_en"]
    assert item["url"] == f"/api/v1/needs/{kept.id}"
    only = client.get("/api/v1/needs?category=electronics").get_json()
    assert [n["id"] for n in only["items"]] == [kept.id]


def test_the_cursor_walks_every_need_once(app, client, make, build):
    buyer = make.user("buyer")
    made = {build.need(buyer).id for _ in range(5)}
    seen, url = [], "/api/v1/needs?limit=2"
    while url:
        answer = client.get(url).get_json()
        seen += [item["id"] for item in answer["items"]]
        url = f"/api/v1/needs?limit=2&cursor={answer['next']}" if answer["next"] else None
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_a_decided_need_gives_its_round_and_selection_and_counts_proposals_without_naming_them(
    app, client, make, build
):
    staff = make.user("ministry")
    buyer = make.user("buyer")
    need = build.need(buyer)
    low, high = build.proposal(need), build.proposal(need)
    withdrawn = build.proposal(need)
    needs.withdraw_proposal(_owner(withdrawn), withdrawn.id)
    open_answer = client.get(f"/api/v1/needs/{need.id}").get_json()
    assert open_answer["proposals"] == 2 and open_answer["selected"] == [] and open_answer["round_code"] is None
    assert str(low.company.name_ko) not in str(open_answer)
    build.past_deadline(need)
    assert client.get(f"/api/v1/needs/{need.id}").get_json()["status"] == "shortlisting"
    build.shortlist(buyer, need, [low, high])
    build.committee_scores(staff, need, {low.id: [FAIR], high.id: [GOOD]})
    need_selection.select_for_need(staff, need.id)
    answer = client.get(f"/api/v1/needs/{need.id}").get_json()
    assert answer["status"] == "selected" and answer["decided_at"] is not None
    assert [(s["product"]["id"], s["amount_krw"]) for s in answer["selected"]] == [(high.product_id, need.budget_krw)]
    assert answer["round_url"] == f"/api/v1/rounds/{answer['round_code']}"
    round_answer = client.get(answer["round_url"]).get_json()
    assert round_answer["status"] == "published" and round_answer["manifest_sha256"] is None
    assert [s["product"]["id"] for s in round_answer["selected"]] == [high.product_id]


def _owner(proposal):
    from marketplace.extensions import db
    from marketplace.models import User

    return db.session.scalars(db.select(User).where(User.company_id == proposal.company_id)).first()


@pytest.mark.parametrize("url", ["/api/v1/needs/999999", "/api/v1/needs/0", f"/api/v1/needs/{'9' * 5000}"])
def test_an_unknown_need_is_a_404_problem(app, client, url):
    response = client.get(url, headers=EN)
    assert response.status_code == 404 and response.content_type.startswith("application/problem+json")


@pytest.mark.parametrize(
    "query", ["category=nope", "limit=0", "limit=101", f"limit={'9' * 5000}", "cursor=" + "x" * 300]
)
def test_bad_list_input_is_a_400_problem_in_the_requesters_language(app, client, query):
    response = client.get(f"/api/v1/needs?{query}", headers=EN)
    assert response.status_code == 400 and response.content_type.startswith("application/problem+json")
    assert response.get_json()["detail"]
