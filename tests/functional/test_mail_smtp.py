"""Mail goes out over SMTP to a real server the test starts, multipart, in the recipient's language."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from marketplace.database import begin_write
from marketplace.extensions import db
from marketplace.models import OutboxMail, User
from marketplace.services import outbox
from tests.conftest import _app_for

NEW_PASSWORD = "a-brand-new-long-phrase"


class Inbox:
    """The aiosmtpd handler: keeps every message; refuses the next `refuse` ones with a temporary error."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.refuse = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                return "451 4.3.0 try again later"
            self.messages.append(envelope.content)
        return "250 OK"

    def parsed(self, address: str | None = None) -> list:
        found = [BytesParser(policy=policy.default).parsebytes(raw) for raw in self.messages]
        return [m for m in found if address is None or address in str(m["To"])]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_server():
    """One SMTP server for the module, on a free port of 127.0.0.1."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(smtp_server):
    _, found = smtp_server
    found.messages.clear()
    found.refuse = 0
    return found


@pytest.fixture
def app(database_url, smtp_server, tmp_path):
    controller, _ = smtp_server
    yield from _app_for(
        database_url,
        MAIL_URL=f"smtp://127.0.0.1:{controller.port}/?timeout=5",
        MAIL_BACKEND="smtp",
        MAIL_FROM="pilot@mss.example",
        MAIL_DIR=str(tmp_path / "mail"),
    )


def _link(message, path: str) -> str:
    import re

    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://localhost({re.escape(path)}[\w.-]+)", text).group(1)


def _notify(user: User, key: str = "round-published") -> None:
    """A notification as the notifications inbox will queue it."""
    begin_write()
    context = {
        "title": "2018 하반기 회차 결과 공개",
        "lines": ["결과를 확인하세요."],
        "link": "http://localhost/rounds",
    }
    outbox.queue_mail(user, "notification", context, key, notification=True)
    db.session.commit()


def test_a_korean_user_gets_a_multipart_korean_mail_with_every_header_over_smtp(app, make, inbox):
    user = make.user("supplier", email="kim@saessak.example", name="김새싹", language="ko")
    _notify(user)
    assert outbox.deliver_pending() == 1
    [raw] = inbox.messages
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0].lower()  # the subject travels as RFC 2047 words
    [message] = inbox.parsed()
    header = {name: str(message[name]).strip() for name in message}  # a folded header starts with a space
    assert header["Subject"] == "2018 하반기 회차 결과 공개"
    assert header["From"] == "pilot@mss.example" and header["To"] == "kim@saessak.example"
    assert header["Message-ID"].startswith("<") and header["Message-ID"].endswith("@mss.example>")
    assert message["Date"].datetime is not None
    assert header["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    assert header["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "김새싹 님, 안녕하세요." in text and "중소벤처기업부" in text
    assert "<p>결과를 확인하세요.</p>" in html and "이 알림 그만 받기" in html
    row = db.session.query(OutboxMail).one()
    assert (row.status, row.attempts, row.text_body, row.html_body) == ("sent", 1, "", "")


def test_an_english_user_gets_english_and_the_reset_mail_has_no_unsubscribe(app, client, make, inbox):
    make.user("supplier", email="lee@saessak.example", name="Lee", language="en")
    client.post("/forgot-password", data={"email": "lee@saessak.example"}, headers={"Accept-Language": "ko"})
    [message] = inbox.parsed("lee@saessak.example")
    assert str(message["Subject"]).strip() == "Reset your password"
    assert "Dear Lee," in message.get_body(preferencelist=("plain",)).get_content()
    assert message["List-Unsubscribe"] is None  # an account mail, not a notification


def test_the_unsubscribe_link_works_without_signing_in_by_one_click_or_the_confirm_form(app, client, make, inbox):
    user = make.user("supplier", language="en")
    _notify(user)
    outbox.deliver_pending()
    [message] = inbox.parsed()
    url = str(message["List-Unsubscribe"]).strip().strip("<>").removeprefix("http://localhost")
    page = client.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and b"Stop notification mails to" in page.data
    response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert db.session.get(User, user.id).notifications_off is True
    _notify(db.session.get(User, user.id), key="another-event")
    assert db.session.query(OutboxMail).count() == 1  # no more notifications for them
    assert client.post("/unsubscribe/forged-token").status_code == 400


def test_a_password_is_reset_end_to_end_and_the_link_then_stops_working(app, client, auth, make, inbox):
    user = make.user("supplier", email="park@saessak.example", language="en")
    response = client.post("/forgot-password", data={"email": "PARK@saessak.example"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/check-mail")
    link = _link(inbox.parsed("park@saessak.example")[0], "/reset-password/")
    assert client.get(link).status_code == 200
    mismatch = client.post(link, data={"new": NEW_PASSWORD, "confirm": "other"}, headers={"Accept-Language": "en"})
    assert mismatch.status_code == 400 and b"not the same" in mismatch.data
    assert client.post(link, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    auth.logout()
    again = client.get(link, headers={"Accept-Language": "en"})
    assert again.status_code == 400 and b"already been used" in again.data


def test_an_expired_reset_link_is_refused_with_a_message_in_the_users_language(app, client, make, inbox, now):
    from marketplace.services import account_mail

    make.user("supplier", email="choi@saessak.example", language="ko")
    account_mail.request_password_reset("choi@saessak.example", now=now - timedelta(minutes=61))
    link = _link(inbox.parsed("choi@saessak.example")[0], "/reset-password/")
    response = client.get(link, headers={"Accept-Language": "ko"})
    assert response.status_code == 400 and "링크가 만료되었습니다" in response.get_data(as_text=True)
    response = client.get(link, headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "This link has expired" in response.get_data(as_text=True)


def test_a_reset_link_stops_working_when_the_password_is_changed(app, client, auth, make, inbox):
    user = make.user("supplier", email="jung@saessak.example")
    client.post("/forgot-password", data={"email": user.email})
    link = _link(inbox.parsed(user.email)[0], "/reset-password/")
    auth.login(user)
    changed = client.post(
        "/account/password", data={"current": "correct-horse-battery", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    auth.logout()
    assert client.get(link).status_code == 400


@pytest.mark.parametrize(
    "path,form",
    [
        ("/forgot-password", lambda email: {"email": email}),
        (
            "/register",
            lambda email: __import__("tests.builders_supplier").builders_supplier.registration_form(
                email=email, brn=__import__("tests.factories").factories.valid_brn(271828182)
            ),
        ),
        (
            "/join-institution",
            lambda email: {
                "name_ko": "한국테스트공사",
                "kind": "public_enterprise",
                "region": "seoul",
                "contact_name": "홍길동",
                "contact_email": email,
            },
        ),
    ],
    ids=["reset", "registration", "join-request"],
)
def test_a_registered_address_and_an_unknown_one_get_the_same_answer(app, client, make, inbox, path, form):
    make.user("buyer", email="known@inst.example")
    answers = []
    for email in ("known@inst.example", "unknown@inst.example"):
        response = client.post(path, data=form(email), headers={"Accept-Language": "en"})
        followed = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
        answers.append((response.status_code, response.headers["Location"], followed.status_code, followed.data))
    assert answers[0] == answers[1]
    assert inbox.parsed("known@inst.example")  # the owner hears about it


def test_a_new_address_replaces_the_old_only_once_its_link_is_opened(app, client, auth, make, inbox):
    user = make.user("supplier", email="old@saessak.example", language="en")
    auth.login(user)
    response = client.post("/account/email", data={"email": "new@saessak.example", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).email == "old@saessak.example"
    [notice] = inbox.parsed("old@saessak.example")
    assert "new@saessak.example" in notice.get_body(preferencelist=("plain",)).get_content()
    link = _link(inbox.parsed("new@saessak.example")[0], "/confirm-email/")
    assert client.get(link).status_code == 200 and db.session.get(User, user.id).email == "old@saessak.example"
    assert client.post(link).status_code == 302
    changed = db.session.get(User, user.id)
    assert (changed.email, changed.pending_email) == ("new@saessak.example", None)
    wrong = client.post(
        "/account/email", data={"email": "x@saessak.example", "password": "wrong"}, headers={"Accept-Language": "en"}
    )
    assert wrong.status_code == 400 and b"current password is not correct" in wrong.data


def test_an_invitation_is_mailed_with_a_link_that_sets_the_password(app, client, make, inbox):
    from marketplace.services import institutions

    staff, institution = make.user("ministry"), make.institution(name_ko="한국테스트공사")
    institutions.invite_buyer(staff, institution.id, "invitee@inst.example", "Invitee")
    [message] = inbox.parsed("invitee@inst.example")
    assert str(message["Subject"]).strip() == "시범구매 마켓플레이스에 초대되었습니다"
    assert "한국테스트공사의 구매 담당자로 초대되었습니다" in message.get_body(preferencelist=("plain",)).get_content()
    link = _link(message, "/set-password/")
    response = client.post(
        link,
        data={
            "name": "Invitee",
            "new": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "agree_terms": "y",
            "agree_privacy": "y",
        },
    )
    assert response.status_code == 302


def test_two_delivery_runs_at_once_send_each_mail_once(app, make, inbox):
    users = [make.user("supplier") for _ in range(6)]
    begin_write()
    for user in users:
        outbox.queue_mail(user, "notification", {"title": "t", "lines": ["l"]}, "event-1", notification=True)
        outbox.queue_mail(user, "notification", {"title": "t", "lines": ["l"]}, "event-1", notification=True)
    db.session.commit()
    assert db.session.query(OutboxMail).count() == 6  # a repeated event queued once per recipient
    sent: list[int] = []
    barrier = threading.Barrier(2)

    def run():
        with app.app_context():
            barrier.wait()
            sent.append(outbox.deliver_pending(limit=100))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 6 and len(inbox.messages) == 6
    db.session.commit()  # end the test's read: the runs committed in their own sessions
    assert {row.status for row in db.session.query(OutboxMail)} == {"sent"}


def test_a_refused_mail_is_kept_and_sent_again_on_a_later_run(app, make, inbox, now):
    _notify(make.user("supplier"))
    inbox.refuse = 1
    later = now + timedelta(minutes=1)  # the mail was queued after the fixture read the clock
    assert outbox.deliver_pending(now=later) == 0
    row = db.session.query(OutboxMail).one()
    assert (row.status, row.attempts) == ("pending", 1) and "451" in row.last_error
    assert outbox.deliver_pending(now=later) == 0  # not due yet
    assert outbox.deliver_pending(now=later + timedelta(minutes=2)) == 1
    db.session.expire_all()
    assert (row.status, row.attempts, len(inbox.messages)) == ("sent", 2, 1)


def test_a_mail_server_that_is_away_leaves_the_mail_queued_and_gives_up_after_the_last_try(app, make, now):
    app.config.update(MAIL_PORT=_free_port(), MAIL_MAX_ATTEMPTS=2)
    app.extensions["mailman"].port = app.config["MAIL_PORT"]
    _notify(make.user("supplier"))
    assert outbox.deliver_pending(now=now + timedelta(minutes=1)) == 0
    assert outbox.deliver_pending(now=now + timedelta(hours=1)) == 0
    row = db.session.query(OutboxMail).one()
    assert (row.status, row.attempts) == ("failed", 2) and row.last_error
