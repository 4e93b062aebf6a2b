"""Bad input found by testing: each gives a 400 (or a 404, or a safe redirect) with a plain message."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from marketplace.extensions import db
from marketplace.models import Company, Mou, Order, QuotaEntry
from marketplace.routing import MAX_ID
from tests.builders_orders import OrderBuilders
from tests.functional.test_buyer_orders import form as purchase_form

EN = {"Accept-Language": "en"}
HUGE = "9" * 5000


@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**64), "9" * 20, "9" * 5000, "0", "٥"])
def test_an_id_no_database_row_can_have_matches_no_route(app, value):
    adapter = app.url_map.bind("localhost")
    int_rules = [rule for rule in app.url_map.iter_rules() if "int" in rule.rule]
    assert len(int_rules) >= 24
    for rule in int_rules:
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", value).replace(f"<{name}>", "2018-H2")
        with pytest.raises(NotFound):
            adapter.match(url, method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])


def test_a_huge_product_id_is_a_404_for_anyone(client):
    assert client.get(f"/products/{2**63}").status_code == 404
    assert client.get(f"/products/{MAX_ID}").status_code == 404  # matches, finds nothing


def registration(**overrides):
    data = {
        "name_ko": "가나다",
        "name_en": "Ganada",
        "representative": "홍길동",
        "region": "seoul",
        "founded_on": "2015-03-01",
        "size_class": "small",
        "public_supply_krw": "0",
        "public_supply_count": "0",
        "public_supply_as_of": "2018-01-01",
        "brn": "1234567891",
        "user_name": "홍길동",
        "email": "new@example.com",
        "password": "a long passphrase 42",
        "confirm": "a long passphrase 42",
    }
    return dict(data, **overrides)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("public_supply_krw", HUGE, "Enter an amount of at most"),
        ("public_supply_krw", "--5", "using digits only"),
        ("public_supply_count", HUGE, "at most"),
        ("public_supply_count", "1_000", "using digits only"),
    ],
)
def test_registration_refuses_numbers_of_thousands_of_digits_with_a_message(client, field, value, message):
    response = client.post("/register", data=registration(**{field: value}), headers=EN)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True) or "0 or more" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("quantity", "--5", "Enter a whole number, using digits only."),
        ("quantity", HUGE, "Enter a quantity of at most"),
        ("quantity", "-" + HUGE, "Enter a quantity of 1 or more."),
        ("unit_price", "--5", "Enter an amount in whole won, using digits only."),
        ("unit_price", HUGE, "Enter an amount of at most"),
        ("amount", "--5", "Enter an amount in whole won, using digits only."),
    ],
)
def test_a_purchase_with_a_malformed_number_is_refused_and_nothing_is_charged(
    client, auth, make, field, value, message
):
    buyer, mou, allocation = OrderBuilders(make).setup(committed=10_000_000)
    auth.login(buyer)
    response = client.post(f"/buyer/purchase/{allocation.id}", data=purchase_form(mou, **{field: value}), headers=EN)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize("delta", ["+-5", "-+5", "--5", "++5", HUGE])
def test_an_amendment_with_more_than_one_sign_is_refused(client, auth, make, delta):
    mou = OrderBuilders(make).mou(committed=10_000_000)
    entries = db.session.scalar(select(func.count()).select_from(QuotaEntry))
    auth.login(make.user("ministry"))
    response = client.post(f"/ministry/mous/{mou.id}/amend", data={"delta": delta, "reason": "x"}, headers=EN)
    assert response.status_code == 400
    assert "Enter an amount" in response.get_data(as_text=True)
    db.session.refresh(mou)
    assert mou.committed_krw == 10_000_000
    assert db.session.scalar(select(func.count()).select_from(QuotaEntry)) == entries


@pytest.mark.parametrize(
    "target",
    [
        "/buyer/\r\nSet-Cookie: x=1",
        "/\nx",
        "/a\x7fb",
        "/\\evil.example",
        "\\\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
    ],
)
def test_an_unsafe_next_after_login_goes_home(client, make, target):
    buyer = make.user("buyer")
    from tests.factories import DEFAULT_PASSWORD

    response = client.post(
        "/login", query_string={"next": target}, data={"email": buyer.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/buyer/"


@pytest.mark.parametrize("target", ["/products\r\nSet-Cookie: x=1", "/\\evil.example", "//evil.example"])
def test_an_unsafe_return_address_of_the_language_switch_goes_home(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.post("/language", data={"lang": "en", "next": "/products?q=a"}).headers["Location"] == (
        "/products?q=a"
    )


def test_cancelling_an_order_twice_says_it_is_already_cancelled(client, auth, make):
    builders = OrderBuilders(make)
    buyer, mou, allocation = builders.setup(committed=10_000_000)
    order = builders.order(buyer, allocation, mou)
    auth.login(buyer)
    url = f"/buyer/orders/{order.id}/cancel"
    assert client.post(url, data={"reason": "wrong item"}).status_code == 302
    for headers, message in (
        (EN, "This order is already cancelled."),
        ({"Accept-Language": "ko"}, "이 주문은 이미 취소되었습니다."),
    ):
        response = client.post(url, data={"reason": "again"}, headers=headers)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    response = client.post(url, data={"reason": ""}, headers=EN)  # the reason field is no longer shown
    assert response.status_code == 400 and "This order is already cancelled." in response.get_data(as_text=True)


def test_an_mou_number_in_use_is_refused_on_the_form(client, auth, make):
    institution = make.institution()
    existing = OrderBuilders(make).mou(institution)
    auth.login(make.user("ministry"))
    response = client.post(
        f"/ministry/institutions/{institution.id}/mous/new",
        headers=EN,
        data={
            "number": existing.number,
            "signed_on": "2018-01-02",
            "starts_on": "2018-01-02",
            "ends_on": "2019-12-31",
            "committed": "1,000",
        },
    )
    assert response.status_code == 400
    assert f"An MOU with the number {existing.number} already exists." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Mou)) == 1


def test_a_nul_byte_in_a_form_is_refused_with_a_message(client):
    data = {
        "name_ko": "기관\x00",
        "name_en": "",
        "kind": "other",
        "region": "seoul",
        "contact_name": "김민지",
        "contact_email": "contact@example.com",
    }
    response = client.post("/join-institution", data=data, headers=EN)
    assert response.status_code == 400
    assert "cannot be saved (a NUL byte)" in response.get_data(as_text=True)
    assert client.get("/rounds/a%00b").status_code == 404
