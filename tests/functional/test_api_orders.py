"""The API for institution systems: tokens, IDOR, the order placed under the form's rules, Idempotency-Key."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from marketplace.extensions import db
from marketplace.models import FormSubmission, Order
from marketplace.services import api_tokens
from marketplace.services import orders as order_service
from tests import clock
from tests.builders_orders import OrderBuilders

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


@pytest.fixture
def ob(make):
    return OrderBuilders(make)


def bearer(user, scope: str = "write") -> dict:
    return {"Authorization": "Bearer " + api_tokens.create_token(user, "ERP", scope, 90).secret}


def body(allocation, mou, **overrides) -> dict:
    values = {
        "allocation_id": allocation.id,
        "mou_id": mou.id,
        "quantity": 2,
        "unit_price_krw": 1_000_000,
        "contract_method": "private_contract",
        "ordered_on": clock.today().isoformat(),
        "no_private_interest": True,
    }
    return values | overrides


def test_a_buyer_token_places_an_order_charged_to_the_quota(client, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    response = client.post("/api/v1/orders", json=body(allocation, mou), headers=bearer(buyer))
    assert response.status_code == 201, response.get_json()
    order = db.session.query(Order).one()
    assert response.get_json()["number"] == order.number and response.get_json()["amount_krw"] == 2_000_000
    assert response.headers["Location"] == f"/api/v1/orders/{order.id}"
    db.session.refresh(mou)
    assert mou.balance_krw == 8_000_000


def test_the_same_idempotency_key_twice_places_one_order_and_answers_the_same(client, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    headers = bearer(buyer) | {"Idempotency-Key": "erp-order-0001"}
    first = client.post("/api/v1/orders", json=body(allocation, mou), headers=headers)
    second = client.post("/api/v1/orders", json=body(allocation, mou), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(Order).count() == 1
    assert db.session.query(FormSubmission).one().fingerprint  # the body's hash, kept with the key


def test_the_same_idempotency_key_with_another_body_is_refused(client, ob):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    headers = bearer(buyer) | {"Idempotency-Key": "erp-order-0002"} | EN
    assert client.post("/api/v1/orders", json=body(allocation, mou), headers=headers).status_code == 201
    response = client.post("/api/v1/orders", json=body(allocation, mou, quantity=3), headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "another request body" in response.get_json()["detail"], response.get_json()
    assert db.session.query(Order).count() == 1


def test_another_user_may_use_the_same_idempotency_key_for_their_own_order(client, ob, make):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    other, other_mou, other_allocation = ob.setup(committed=10_000_000)
    key = {"Idempotency-Key": "shared-key"}
    assert client.post("/api/v1/orders", json=body(allocation, mou), headers=bearer(buyer) | key).status_code == 201
    response = client.post("/api/v1/orders", json=body(other_allocation, other_mou), headers=bearer(other) | key)
    assert response.status_code == 201
    assert db.session.query(Order).count() == 2


def test_a_refused_order_gives_the_forms_reasons_in_the_requesters_language(client, ob):
    buyer, mou, allocation = ob.setup(committed=1_000_000)
    token = bearer(buyer)
    english = client.post("/api/v1/orders", json=body(allocation, mou, quantity=0), headers=token | EN)
    assert english.status_code == 422
    problem = english.get_json()
    assert problem["status"] == 422 and problem["detail"] == "Enter a quantity of 1 or more."
    assert english.headers["Content-Language"] == "en"
    korean = client.post("/api/v1/orders", json=body(allocation, mou, quantity=0), headers=token | KO)
    assert korean.status_code == 422 and korean.get_json()["detail"] != "Enter a quantity of 1 or more."
    assert korean.headers["Content-Language"] == "ko"
    over = client.post("/api/v1/orders", json=body(allocation, mou), headers=token | EN)
    assert over.status_code == 422 and over.get_json()["errors"]
    assert db.session.query(Order).count() == 0


def test_a_read_token_cannot_place_an_order(client, ob):
    buyer, mou, allocation = ob.setup()
    response = client.post("/api/v1/orders", json=body(allocation, mou), headers=bearer(buyer, "read") | EN)
    assert response.status_code == 403
    assert "only read" in response.get_json()["detail"]
    assert db.session.query(Order).count() == 0


def test_another_institutions_order_and_mou_are_not_found(client, ob):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    stranger, _mou, _allocation = ob.setup()
    token = bearer(stranger, "read")
    assert client.get(f"/api/v1/orders/{order.id}", headers=token).status_code == 404
    assert client.get(f"/api/v1/orders/{order.id}", headers=bearer(buyer, "read")).status_code == 200
    assert client.get("/api/v1/orders", headers=token).get_json()["items"] == []
    assert all(item["id"] != mou.id for item in client.get("/api/v1/mous", headers=token).get_json()["items"])
    assert client.get("/api/v1/allocations", headers=token).get_json()["items"][0]["id"] != allocation.id
    # placing an order on another institution's allocation and MOU is refused by the form's own rule
    refused = client.post("/api/v1/orders", json=body(allocation, mou), headers=bearer(stranger) | EN)
    assert refused.status_code == 422


def test_ministry_tokens_read_every_institution_but_place_no_order(client, ob, make):
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    ministry = make.user("ministry")
    assert client.get(f"/api/v1/orders/{order.id}", headers=bearer(ministry, "read")).status_code == 200
    assert [m["id"] for m in client.get("/api/v1/mous", headers=bearer(ministry, "read")).get_json()["items"]] == [
        mou.id
    ]
    response = client.post("/api/v1/orders", json=body(allocation, mou), headers=bearer(ministry))
    assert response.status_code == 403


def test_orders_are_walked_by_cursor_without_duplicates(client, ob):
    buyer, mou, allocation = ob.setup(committed=100_000_000)
    placed = {ob.order(buyer, allocation, mou).id for _ in range(5)}
    token, seen, url = bearer(buyer, "read"), [], "/api/v1/orders?limit=2"
    while url:
        answer = client.get(url, headers=token).get_json()
        seen += [item["id"] for item in answer["items"]]
        url = f"/api/v1/orders?limit=2&cursor={answer['next']}" if answer["next"] else None
    assert sorted(seen) == sorted(placed) and len(seen) == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_a_bad_cursor_or_body_is_a_400_problem(client, ob):
    buyer, mou, allocation = ob.setup()
    token = bearer(buyer) | EN
    assert client.get("/api/v1/orders?cursor=%%%", headers=token).status_code == 400
    assert client.get("/api/v1/orders?limit=1000", headers=token).status_code == 400
    response = client.post("/api/v1/orders", json={"quantity": "many"}, headers=token)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json" and response.get_json()["errors"]
    response = client.post("/api/v1/orders", data="not json", headers=token | {"Content-Type": "application/json"})
    assert response.status_code == 400


def test_two_posts_with_one_idempotency_key_at_the_same_moment_place_one_order(app, ob, monkeypatch):
    buyer, mou, allocation = ob.setup(committed=10_000_000)
    headers = bearer(buyer) | {"Idempotency-Key": "double-click"}
    # Both requests find the key free and pass their checks before either takes the write lock.
    both_checked = threading.Barrier(2, timeout=30)
    begin_write = order_service.begin_write

    def together():
        both_checked.wait()
        begin_write()

    monkeypatch.setattr(order_service, "begin_write", together)
    order_body = body(allocation, mou)
    db.session.commit()
    clients = [app.test_client(), app.test_client()]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda c: c.post("/api/v1/orders", json=order_body, headers=headers), clients))

    order = db.session.query(Order).one()
    assert [a.status_code for a in answers] == [201, 201]
    assert {a.get_json()["id"] for a in answers} == {order.id}
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]


HANGUL = re.compile("[\uac00-\ud7a3]")
PYDANTIC_ENGLISH = ("Input should", "Field required", "String should", "Extra inputs", "Invalid JSON", "Value error")


@pytest.mark.parametrize(
    "payload",
    [
        {"quantity": "many"},
        {"allocation_id": 0, "mou_id": 10**30, "quantity": 1.5, "unit_price_krw": -(10**30)},
        {"contract_method": "x" * 31, "late_reason": 5},
        {"ordered_on": "31/12/2026", "no_private_interest": "maybe", "surprise": 1},
        [],
    ],
)
def test_every_field_error_is_worded_in_the_requesters_language(client, ob, payload):
    buyer, _mou, _allocation = ob.setup()
    for language in ("en", "ko"):
        response = client.post("/api/v1/orders", json=payload, headers=bearer(buyer) | {"Accept-Language": language})
        assert response.status_code == 400
        errors = response.get_json()["errors"]
        assert errors and not any(english in error for error in errors for english in PYDANTIC_ENGLISH), errors
        if language == "ko":
            assert all(HANGUL.search(error) for error in errors), errors


def test_every_problem_type_the_api_names_is_explained_on_the_documentation_page(client, ob):
    from marketplace.api.problems import PROBLEM_TYPES

    buyer, mou, allocation = ob.setup(committed=1_000_000)
    refused = client.post("/api/v1/orders", json=body(allocation, mou, quantity=0), headers=bearer(buyer) | EN)
    type_uri = refused.get_json()["type"]
    assert type_uri == "/api/v1/docs#problem-order-refused"
    for language in ("en", "ko"):
        page = client.get(type_uri.split("#")[0], headers={"Accept-Language": language}).get_data(as_text=True)
        for kind in PROBLEM_TYPES:
            assert f'id="problem-{kind}"' in page
    with pytest.raises(ValueError, match="undocumented"):
        from marketplace.api.problems import ApiProblem

        ApiProblem(409, kind="no-such-kind")
