"""A stranger cannot lock a real user out; common passwords are refused; join requests make no account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.passwords import WeakPassword
from marketplace.domain.throttle import ThrottlePolicy, delay_after
from marketplace.extensions import db
from marketplace.models import Institution, LoginFailure, User
from marketplace.services.passwords import check_password
from tests.factories import DEFAULT_PASSWORD

EN = {"Accept-Language": "en"}
STRANGERS = [f"203.0.113.{n}" for n in range(1, 6)]


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, user, password: str = DEFAULT_PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password}, headers=EN)


def test_the_wait_grows_with_each_failure_and_stops_growing_at_its_cap():
    policy = ThrottlePolicy(5, timedelta(seconds=30), timedelta(minutes=15))
    waits = [delay_after(n, policy).total_seconds() for n in range(1, 12)]
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]


def test_a_strangers_wrong_passwords_do_not_keep_the_real_user_out(app, make):
    user = make.user("supplier")
    stranger = client_at(app, STRANGERS[0])
    answers = [sign_in(stranger, user, "wrong-password-1").status_code for _ in range(12)]
    assert answers[:5] == [400] * 5 and set(answers[5:]) == {429}  # the stranger waits, and only them
    assert sign_in(client_at(app, "198.51.100.7"), user).status_code == 302


def test_the_real_users_own_failures_make_them_wait_a_little_then_the_password_works(app, make, sign_in_clock):
    user = make.user("supplier")
    client = client_at(app, "198.51.100.7")
    for _ in range(5):
        assert sign_in(client, user, "wrong-password-1").status_code == 400
    refused = sign_in(client, user)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "Try again in 30 seconds" in refused.get_data(as_text=True)
    assert 'name="password"' in refused.get_data(as_text=True)  # the form is shown again
    sign_in_clock.advance(seconds=30)
    assert sign_in(client, user).status_code == 302
    db.session.refresh(user)
    assert user.failed_logins == 0 and user.login_retry_at is None
    assert db.session.scalar(select(LoginFailure).where(LoginFailure.user_id == user.id)) is None


def test_many_strangers_slow_the_account_briefly_but_not_the_browser_that_signed_in_before(app, make, sign_in_clock):
    user = make.user("supplier")
    usual = client_at(app, "198.51.100.7")
    assert sign_in(usual, user).status_code == 302
    usual.post("/logout")
    for address in STRANGERS:  # 25 failures from five addresses: past the account-wide threshold
        for _ in range(5):
            sign_in(client_at(app, address), user, "wrong-password-1")
    new_browser = client_at(app, "198.51.100.8")
    refused = sign_in(new_browser, user)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= app.config["LOGIN_ACCOUNT_MAX_DELAY"]
    assert sign_in(usual, user).status_code == 302  # its signed cookie says it signed in here before
    usual.post("/logout")
    for address in STRANGERS[:4]:  # these reached their own wait (the fifth met the account's instead)
        assert sign_in(client_at(app, address), user, "wrong-password-1").status_code == 429
    sign_in_clock.advance(seconds=app.config["LOGIN_ACCOUNT_MAX_DELAY"])
    assert sign_in(new_browser, user).status_code == 302


def test_wrong_current_passwords_on_the_change_password_form_count_as_failures(app, auth, client, make):
    user = make.user("buyer")
    auth.login(user)
    form = {"current": "wrong-password-1", "new": "a-brand-new-phrase", "confirm": "a-brand-new-phrase"}
    for _ in range(5):
        assert client.post("/account/password", data=form, headers=EN).status_code == 400
    refused = client.post("/account/password", data={**form, "current": DEFAULT_PASSWORD}, headers=EN)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "Try again in 30 seconds" in refused.get_data(as_text=True)


@pytest.mark.parametrize("password", ["password1234", "qwerty123456", "iloveyou123"])
def test_passwords_from_the_common_list_are_refused(password):
    with pytest.raises(WeakPassword):
        check_password(password)


def test_a_common_password_is_refused_on_the_change_password_form(auth, client, make):
    auth.login(make.user("buyer"))
    response = client.post(
        "/account/password",
        data={"current": DEFAULT_PASSWORD, "new": "iloveyou123", "confirm": "iloveyou123"},
        headers=EN,
    )
    assert response.status_code == 400 and "too common" in response.get_data(as_text=True)


def test_a_long_uncommon_passphrase_is_accepted():
    check_password("purple-river-stone-42")


JOIN = {
    "name_ko": "새기관",
    "name_en": "New agency",
    "kind": "central_agency",
    "region": "sejong",
    "contact_name": "Lee",
    "contact_email": "lee@new.example",
}


def test_a_join_request_creates_no_account_and_does_not_block_the_address(client):
    assert client.post("/join-institution", data=JOIN).status_code == 302
    assert db.session.scalar(select(User).where(User.email == "lee@new.example")) is None
    assert client.post("/join-institution", data={**JOIN, "name_ko": "다른기관"}).status_code == 302
    assert db.session.query(Institution).filter_by(status="pending").count() == 2
