"""Two-step sign-in: enrolment by QR code, the code after the password, recovery codes, ministry staff."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import RecoveryCode, User
from tests.conftest import totp_code
from tests.factories import DEFAULT_PASSWORD, TOTP_SECRET

EN = {"Accept-Language": "en"}


def password_step(client, user):
    return client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD}, headers=EN)


def enrol(client, clock) -> tuple[str, list[str]]:
    """Scan (read the key off the page), type a wrong code, then the right one; return key and recovery codes."""
    page = client.get("/two-factor/setup", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'src="data:image/svg+xml' in html
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    wrong = client.post("/two-factor/setup", data={"code": "000000"}, headers=EN)
    assert wrong.status_code == 400 and "The code is not correct" in wrong.get_data(as_text=True)
    done = client.post("/two-factor/setup", data={"code": pyotp.TOTP(secret).at(clock())}, headers=EN)
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", done.get_data(as_text=True))
    return secret, codes


def test_a_supplier_enrols_from_the_account_page_and_then_signs_in_with_a_code(auth, client, make, sign_in_clock):
    user = make.user("supplier")
    auth.login(user)
    assert "/two-factor/setup" in client.get("/account").get_data(as_text=True)
    secret, codes = enrol(client, sign_in_clock)
    db.session.refresh(user)
    assert user.totp_secret == secret and len(codes) == 10
    stored = db.session.scalars(select(RecoveryCode.code_sha256).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    client.post("/logout")

    first = password_step(client, user)
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/code")
    assert client.get("/supplier/").status_code == 302  # not signed in until the code is checked
    wrong = client.post("/login/code", data={"code": "123456"}, headers=EN)
    assert wrong.status_code == 400 and "The code is not correct" in wrong.get_data(as_text=True)
    sign_in_clock.advance(seconds=30)
    ok = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(sign_in_clock())})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/supplier/")
    assert client.get("/supplier/").status_code == 200


def test_a_code_works_once(client, make, sign_in_clock):
    user = make.user("ministry")
    password_step(client, user)
    code = totp_code(sign_in_clock)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/code", data={"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once(auth, client, make, sign_in_clock):
    user = make.user("buyer")
    auth.login(user)
    _, codes = enrol(client, sign_in_clock)
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/code", data={"code": codes[3].lower()}).status_code == 302
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 400
    assert client.post("/login/code", data={"code": codes[4]}).status_code == 302


def test_ministry_staff_without_a_second_factor_must_enrol_before_anything_else(client, make, sign_in_clock):
    staff = make.user("ministry", totp_secret=None)
    first = password_step(client, staff)
    assert first.status_code == 302 and first.headers["Location"].endswith("/two-factor/setup")
    for path in ("/ministry/", "/account", "/ministry/companies"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.post("/login/code", data={"code": "123456"}).status_code == 400  # nothing to check against
    html = client.get("/two-factor/setup", headers=EN).get_data(as_text=True)
    assert "Ministry staff and evaluation committee members sign in with a code" in html
    secret, codes = enrol(client, sign_in_clock)
    assert len(codes) == 10
    assert client.get("/ministry/").status_code == 200
    db.session.refresh(staff)
    assert staff.totp_secret == secret


def test_staff_created_by_the_cli_enrol_at_their_first_sign_in(app, client, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "new.staff@mss.example",
            "--name",
            "신규 담당자",
            "--role",
            "ministry",
            "--password",
            "a-long-staff-phrase",
        ]
    )
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"email": "new.staff@mss.example", "password": "a-long-staff-phrase"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/two-factor/setup")


def test_an_evaluator_signs_in_with_a_code_after_the_password(client, make, sign_in_clock):
    evaluator = make.user("evaluator")
    first = password_step(client, evaluator)
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/code")
    assert client.get("/evaluator/").status_code == 302  # the password alone does not sign in
    ok = client.post("/login/code", data={"code": totp_code(sign_in_clock)})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/evaluator/")
    assert client.get("/evaluator/").status_code == 200


def test_an_evaluator_without_a_second_factor_must_enrol_before_seeing_any_application(client, make, sign_in_clock):
    evaluator = make.user("evaluator", totp_secret=None)
    first = password_step(client, evaluator)
    assert first.status_code == 302 and first.headers["Location"].endswith("/two-factor/setup")
    for path in ("/evaluator/", "/account"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    secret, _codes = enrol(client, sign_in_clock)
    assert client.get("/evaluator/").status_code == 200
    db.session.refresh(evaluator)
    assert evaluator.totp_secret == secret


def test_wrong_codes_are_throttled_like_wrong_passwords(client, make, sign_in_clock):
    user = make.user("ministry")
    password_step(client, user)
    for _ in range(5):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 400
    refused = client.post("/login/code", data={"code": totp_code(sign_in_clock)}, headers=EN)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "Try again in 30 seconds" in refused.get_data(as_text=True)
    sign_in_clock.advance(seconds=30)
    assert client.post("/login/code", data={"code": totp_code(sign_in_clock)}).status_code == 302
    assert db.session.get(User, user.id).totp_secret == TOTP_SECRET


def test_the_account_page_offers_two_step_sign_in_once_and_keeps_its_title_plain(auth, client, make):
    auth.login(make.user("supplier"))
    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "My account" in title
    assert page.count("Set up two-step sign-in") == 1
