"""The public API: the catalogue page's search and order, cursors, products, rounds, verification, problems."""

from __future__ import annotations

import re

import pytest

from tests.builders_catalogue import searchable_product
from tests.builders_reports import ReportBuilders
from tests.builders_rounds import RoundBuilders

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


def page_ids(client, query: str) -> list[int]:
    html = client.get(f"/products{query}").get_data(as_text=True)
    return [int(i) for i in re.findall(r'<h2><a href="/products/(\d+)">', html)]


def api_ids(client, query: str) -> list[int]:
    response = client.get(f"/api/v1/products{query}")
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


@pytest.mark.parametrize(
    "query",
    [
        "?q=센서",
        "?q=센서+모듈",
        "?q=sensor",
        "?sort=price_asc",
        "?sort=name",
        "?q=센서&sort=price_desc",
        "?category=electronics",
        "",
    ],
)
def test_the_catalogue_api_finds_what_the_catalogue_page_shows_in_the_same_order(client, make, query):
    searchable_product(make, name_ko="무선 온도센서 모듈", name_en="Wireless sensor module", unit_price_krw=300)
    searchable_product(make, name_ko="센서 모듈 키트", name_en="Sensor kit", unit_price_krw=100, category="electronics")
    searchable_product(make, name_ko="고효율 펌프", name_en="Pump", description="센서 내장", unit_price_krw=200)
    searchable_product(make, name_ko="조명", name_en="Lamp", unit_price_krw=50)
    separator = "&" if query else "?"
    assert api_ids(client, query + separator + "limit=20") == page_ids(client, query)


def test_the_catalogue_cursor_walks_every_result_once(client, make):
    made = {searchable_product(make, name_ko=f"센서 {n}").id for n in range(7)}
    seen, url = [], "/api/v1/products?q=센서&limit=3"
    while url:
        answer = client.get(url).get_json()
        seen += [item["id"] for item in answer["items"]]
        url = f"/api/v1/products?q=센서&limit=3&cursor={answer['next']}" if answer["next"] else None
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_a_filter_value_the_catalogue_does_not_offer_is_a_400_problem_in_the_requesters_language(client):
    english = client.get("/api/v1/products?category=spaceships", headers=EN)
    korean = client.get("/api/v1/products?category=spaceships", headers=KO)
    assert english.status_code == korean.status_code == 400
    assert english.mimetype == "application/problem+json"
    assert english.get_json()["title"] == "Bad request" and korean.get_json()["title"] != "Bad request"
    assert client.get("/api/v1/products?cert_type=NOPE", headers=EN).status_code == 400
    assert client.get("/api/v1/products?cursor=!!", headers=EN).status_code == 400


def test_a_product_and_its_supplier(client, make):
    product = searchable_product(make, name_ko="협동 로봇", name_en="Cobot")
    answer = client.get(f"/api/v1/products/{product.id}").get_json()
    assert answer["name_ko"] == "협동 로봇" and answer["certificates"] and answer["evaluations"] is None
    supplier = client.get(f"/api/v1/suppliers/{product.company_id}").get_json()
    assert [item["id"] for item in supplier["products"]] == [product.id]


def test_unknown_things_are_404_problems(client):
    for url in ("/api/v1/products/999999", "/api/v1/suppliers/999999", "/api/v1/rounds/NOPE", "/api/v1/verify/PP-0"):
        response = client.get(url, headers=EN)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 404
    assert client.get("/api/v1/no-such-thing").mimetype == "application/problem+json"
    assert client.delete("/api/v1/products").status_code == 405


def test_rounds_are_listed_newest_first_and_a_round_shows_its_rules(client, make):
    rounds = RoundBuilders(make)
    older, newer = rounds.round(code="2018-H1"), rounds.round(code="2018-H2")
    rounds.round(code="DRAFT-1", status="draft")
    listed = client.get("/api/v1/rounds?limit=1").get_json()
    assert [item["code"] for item in listed["items"]] == [newer.code] and listed["next"]
    rest = client.get(f"/api/v1/rounds?limit=1&cursor={listed['next']}").get_json()
    assert [item["code"] for item in rest["items"]] == [older.code] and rest["next"] is None
    answer = client.get("/api/v1/rounds/2018-H2").get_json()
    assert answer["status"] == "open" and answer["weights"] == {"first_timer": 3, "startup": 2, "general": 1}
    assert answer["selected"] == [] and answer["published_at"] is None
    assert client.get("/api/v1/rounds/DRAFT-1").status_code == 404


def test_certificate_verification_by_serial_and_code(client, make):
    builders = ReportBuilders(make)
    certificate = builders.relief_certificate(builders.purchase())
    status = client.get(f"/api/v1/verify/{certificate.serial}").get_json()
    assert status["status"] == "valid" and status["facts"] is None and status["code_accepted"] is None
    unlocked = client.get(f"/api/v1/verify/{certificate.serial}?code={certificate.verification_code}").get_json()
    assert unlocked["code_accepted"] is True and unlocked["facts"]
    wrong = client.get(f"/api/v1/verify/{certificate.serial}?code=WRONG").get_json()
    assert wrong["code_accepted"] is False and wrong["facts"] is None


def test_the_session_of_a_signed_in_buyer_does_not_open_the_token_api(client, auth, make):
    auth.login(make.user("buyer"))
    response = client.get("/api/v1/orders", headers=EN)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers


def test_a_round_shows_its_tracks_with_their_budgets_in_both_languages(client, make, monkeypatch):
    from tests.builders_rounds import Clock
    from tests.integration.test_tracks import OPENS, _drawn

    round_, _staff = _drawn(make, RoundBuilders(make), Clock(monkeypatch, OPENS))
    answer = client.get(f"/api/v1/rounds/{round_.code}", headers=EN).get_json()
    startup, general = answer["tracks"]
    assert startup["kind"] == "startup" and startup["label_en"] == "Startup track" and startup["label_ko"] != ""
    assert startup["label_ko"] != startup["label_en"]
    assert (startup["share_percent"], startup["budget_krw"], startup["cap_krw"]) == (40, 60_000_000, 60_000_000)
    assert (general["budget_krw"], general["record_limit_krw"]) == (90_000_000, 1_000_000_000)
    assert general["weights"] == {"first_timer": 3, "startup": 2, "general": 1}
    assert answer["categories"] == [] and answer["result_versions"] == []  # drawn, not yet published


def test_a_published_round_lists_its_result_versions_and_categories(client, make):
    from marketplace.extensions import db
    from marketplace.models import RoundCategory
    from tests.builders_outcomes import build_outcomes

    done = build_outcomes(make)
    db.session.add(RoundCategory(round_id=done.world.round.id, category="energy"))
    db.session.commit()
    answer = client.get(f"/api/v1/rounds/{done.world.round.code}", headers=KO).get_json()
    assert answer["tracks"] == []  # one pool
    (category,) = answer["categories"]
    assert category["code"] == "energy" and category["name_en"] == "Energy and power" and category["name_ko"] != ""
    first, second = answer["result_versions"]
    assert first["version"] == 1 and first["objection"] is None and first["changed_at"] is None
    assert second["version"] == 2 and second["objection"] == done.objection.number and second["changed_at"]
    for version in (first, second):
        assert client.get(version["url"]).status_code == 200
