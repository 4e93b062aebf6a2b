"""The mail forms refuse bad input in the user's language, are rate-limited, and development keeps mails on a page."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.models import OutboxMail
from tests.conftest import _app_for
from tests.functional.test_rate_limits import limited_app

KO, EN = {"Accept-Language": "ko"}, {"Accept-Language": "en"}


@pytest.mark.parametrize(
    "data,headers,message",
    [
        ({}, EN, "Enter your e-mail address."),
        ({}, KO, "이메일 주소를 입력하세요."),
        ({"email": "not-an-address"}, EN, "Enter an e-mail address like name@example.com."),
    ],
)
def test_a_bad_reset_request_is_refused_with_400_and_a_message_in_the_users_language(client, data, headers, message):
    response = client.post("/forgot-password", data=data, headers=headers)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.query(OutboxMail).count() == 0


def test_a_bad_new_address_is_refused_in_korean_and_english(client, auth, make):
    auth.login(make.user("supplier"))
    for headers, message in ((EN, "Enter an e-mail address like name@example.com."), (KO, "이메일")):
        response = client.post("/account/email", data={"email": "nope", "password": "x"}, headers=headers)
        assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_an_unknown_link_is_refused_with_400_in_korean(client):
    for path in ("/reset-password/nope", "/confirm-email/nope", "/unsubscribe/nope"):
        response = client.post(path, headers=KO) if "confirm" in path else client.get(path, headers=KO)
        assert response.status_code == 400 and "링크" in response.get_data(as_text=True), path


def test_the_reset_form_is_limited_per_address_whatever_the_client(sqlite_url):
    app = limited_app(
        sqlite_url, RATELIMIT_PASSWORD_RESET="100 per hour", RATELIMIT_PASSWORD_RESET_ADDRESS="2 per hour"
    )
    with app.app_context():
        client = app.test_client()
        for _ in range(2):
            assert client.post("/forgot-password", data={"email": "a@example.com"}).status_code == 302
        assert client.post("/forgot-password", data={"email": "a@example.com"}).status_code == 429
        assert client.post("/forgot-password", data={"email": "b@example.com"}).status_code == 302
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def dev_app(sqlite_url, tmp_path):
    """Development: no MAIL_URL and no backend given, so mails go to a maildir shown on /dev/mail."""
    yield from _app_for(sqlite_url, MAIL_BACKEND=None, MAIL_DIR=str(tmp_path / "mail"), DEV_PAGES=True)


def test_without_a_mail_server_mails_are_kept_and_shown_on_the_development_page(dev_app, make):
    make.user("supplier", email="dev@example.com", language="en")
    client = dev_app.test_client()
    client.post("/forgot-password", data={"email": "dev@example.com"})
    listing = client.get("/dev/mail", headers=EN).get_data(as_text=True)
    assert "Reset your password" in listing and "dev@example.com" in listing
    key = listing.split('href="/dev/mail/', 1)[1].split('"', 1)[0]
    page = client.get(f"/dev/mail/{key}", headers=EN).get_data(as_text=True)
    assert "/reset-password/" in page
    html = client.get(f"/dev/mail/{key}/html")
    assert "sandbox" in html.headers["Content-Security-Policy"] and b"<a href=" in html.data
    assert client.get("/dev/mail/no-such-key").status_code == 404


def test_the_development_pages_do_not_exist_unless_asked_for(client):
    assert client.get("/dev/mail").status_code == 404


def test_mail_url_gives_the_smtp_settings():
    from marketplace.config import mail_settings

    settings = mail_settings("smtp://us%40er:p%3Ass@mail.example.go.kr:587/?starttls=1", "/tmp/unused")  # noqa: S108
    assert settings["MAIL_SERVER"] == "mail.example.go.kr" and settings["MAIL_PORT"] == 587
    assert (settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"]) == ("us@er", "p:ss")
    assert settings["MAIL_USE_TLS"] is True and settings["MAIL_USE_SSL"] is False
    assert mail_settings("smtps://mail.example.go.kr", "/x")["MAIL_PORT"] == 465
    with pytest.raises(RuntimeError):
        mail_settings("http://mail.example.go.kr", "/x")


def test_the_deliver_command_sends_what_is_queued(app, runner, make):
    from marketplace.database import begin_write
    from marketplace.services import outbox
    from tests.mail import sent

    user = make.user("supplier")
    app.extensions["deliver_mail"] = lambda: None  # a background worker that has not run yet
    begin_write()
    outbox.queue_mail(user, "notification", {"title": "t", "lines": ["l"]}, "cli-event", notification=True)
    db.session.commit()
    result = runner.invoke(args=["mail", "deliver"])
    assert "1 mail(s) sent." in result.output and len(sent(user.email)) == 1
