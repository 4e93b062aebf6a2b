"""A company registers itself and its first user, then waits for the ministry."""

import re

import pytest

from marketplace.extensions import db
from marketplace.models import AuditEvent, Company, User
from tests.builders_supplier import registration_form
from tests.factories import valid_brn
from tests.mail import link, sent

EN = {"Accept-Language": "en"}


def _brn_with_hyphens(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


@pytest.mark.parametrize("spelling", ["plain", "hyphens"])
def test_a_company_registers_with_or_without_hyphens_and_sees_it_is_pending(client, spelling):
    digits = valid_brn(314159265)
    brn = digits if spelling == "plain" else _brn_with_hyphens(digits)
    response = client.post("/register", data=registration_form(brn=brn), headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/check-mail")
    company = db.session.query(Company).filter_by(brn=digits).one()
    assert company.status == "pending"
    user = db.session.query(User).filter_by(email="owner@saessak.example").one()
    assert user.role == "supplier" and user.company_id == company.id and user.email_confirmed_at is None
    confirm = link(sent("owner@saessak.example")[-1], "/confirm-email/")
    assert client.post(confirm, headers=EN).status_code == 302
    client.post("/login", data={"email": user.email, "password": "a-long-enough-phrase"})
    page = client.get("/supplier/", headers=EN)
    assert page.status_code == 200 and b"Pending review" in page.data
    events = db.session.query(AuditEvent).filter_by(action="company.registered", company_id=company.id)
    assert events.count() == 1


def test_a_number_with_a_wrong_check_digit_is_refused_with_a_message(client):
    digits = valid_brn(314159265)
    wrong = digits[:9] + str((int(digits[9]) + 1) % 10)
    response = client.post("/register", data=registration_form(brn=wrong), headers=EN)
    assert response.status_code == 400
    assert b"does not pass the official check" in response.data
    assert db.session.query(Company).count() == 0 and db.session.query(User).count() == 0


def test_a_number_that_is_not_ten_digits_is_refused(client):
    response = client.post("/register", data=registration_form(brn="12-34"), headers=EN)
    assert response.status_code == 400 and b"10 digits" in response.data


def test_a_second_registration_of_the_same_number_is_refused_and_nothing_is_half_saved(client, make):
    existing = make.company()
    form = registration_form(brn=_brn_with_hyphens(existing.brn))
    response = client.post("/register", data=form, headers=EN)
    assert response.status_code == 400 and b"already registered" in response.data
    assert db.session.query(User).filter_by(email="owner@saessak.example").count() == 0
    assert db.session.query(Company).count() == 1


def test_an_e_mail_already_in_use_gets_the_same_answer_and_its_owner_a_notice(client, make):
    make.user("buyer", email="owner@saessak.example")
    response = client.post("/register", data=registration_form(), headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/check-mail")
    assert db.session.query(Company).filter_by(name_ko="주식회사 새싹테크").count() == 0
    [notice] = sent("owner@saessak.example")
    assert "/confirm-email/" not in notice.body and "/forgot-password" in notice.body


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"password": "short", "confirm": "short"}, b"at least 10 characters"),
        ({"confirm": "something-else-entirely"}, b"not the same"),
        ({"confirm": ""}, b"Repeat the password."),
        ({"region": "atlantis"}, b"Not a valid choice"),
        ({"public_supply_krw": "lots"}, b"digits only"),
        ({"founded_on": "2999-01-01"}, b"cannot be in the future"),
        ({"public_supply_krw": "300,000,000", "public_supply_count": "0"}, b"or 0 for both"),
        ({}, None),
    ],
)
def test_bad_input_re_renders_the_form_with_400_and_a_plain_message(client, overrides, message):
    if message is None:  # an empty form, not a 500
        response = client.post("/register", data={}, headers=EN)
    else:
        response = client.post("/register", data=registration_form(**overrides), headers=EN)
    assert response.status_code == 400
    if message:
        assert message in response.data
    assert db.session.query(Company).count() == 0


def test_the_registration_page_is_offered_and_a_signed_in_user_is_sent_home(client, auth, make):
    assert client.get("/register").status_code == 200
    auth.login(make.user("supplier"))
    response = client.get("/register")
    assert response.status_code == 302 and response.headers["Location"].endswith("/supplier/")


def test_a_registered_supplier_cannot_sign_in_before_confirming_and_is_mailed_a_new_link(client):
    client.get("/?lang=en")
    client.post("/register", data=registration_form())
    response = client.post("/login", data={"email": "owner@saessak.example", "password": "a-long-enough-phrase"})
    assert response.status_code == 400 and b"Confirm your e-mail address first" in response.data
    first, second = sent("owner@saessak.example")
    assert first.subject == second.subject == "Confirm your e-mail address"  # in the language of the registration
    assert client.post(link(first, "/confirm-email/")).status_code == 400  # the newer link replaced it
    assert client.post(link(second, "/confirm-email/")).status_code == 302
    response = client.post("/login", data={"email": "owner@saessak.example", "password": "a-long-enough-phrase"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/supplier/")


def test_the_password_confirmation_is_marked_required_like_the_password(client):
    page = client.get("/register", headers=EN).get_data(as_text=True)
    for name in ("password", "confirm"):
        label = re.search(rf'<label for="{name}">(.*?)</label>', page, flags=re.S).group(1)
        assert 'class="req"' in label, name
