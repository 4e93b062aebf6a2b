"""Ministry staff manage institutions, MOUs and amendments, invite buyers; institutions ask to join."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, Institution, Mou, OneTimeToken, QuotaEntry, User
from marketplace.services import institutions
from tests import clock
from tests.builders_orders import OrderBuilders
from tests.factories import DEFAULT_PASSWORD
from tests.mail import link as mail_link
from tests.mail import sent

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "a long enough pass phrase"


def test_staff_add_an_institution_and_an_mou_with_its_commit_entry(client, auth, make):
    auth.login(make.user("ministry"))
    response = client.post(
        "/ministry/institutions/new",
        data={
            "code": "kepco",
            "name_ko": "한국전력공사",
            "name_en": "KEPCO",
            "kind": "public_enterprise",
            "region": "jeonnam",
        },
    )
    assert response.status_code == 302
    institution = db.session.scalar(select(Institution).where(Institution.code == "KEPCO"))
    response = client.post(
        f"/ministry/institutions/{institution.id}/mous/new",
        data={
            "number": "MOU-2018-001",
            "signed_on": "2018-03-02",
            "starts_on": "2018-03-02",
            "ends_on": "2018-12-31",
            "committed": "10,000,000,000",
        },
    )
    assert response.status_code == 302
    mou = db.session.scalar(select(Mou).where(Mou.number == "MOU-2018-001"))
    entry = db.session.scalar(select(QuotaEntry).where(QuotaEntry.mou_id == mou.id))
    assert (entry.kind, entry.amount_krw, mou.balance_krw) == ("commit", 10_000_000_000, 10_000_000_000)
    page = client.get(f"/ministry/mous/{mou.id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "<svg" in page
    assert "협약 체결" in page and "MOU signed" not in page  # the system's own ledger reason, translated
    assert "10,000,000,000" in client.get("/ministry/", headers=EN).get_data(as_text=True)


def test_a_duplicate_code_or_bad_period_is_a_400_with_a_message(client, auth, make):
    existing = make.institution()
    auth.login(make.user("ministry"))
    response = client.post(
        "/ministry/institutions/new",
        headers=EN,
        data={"code": existing.code, "name_ko": "중복", "kind": "public_enterprise", "region": "seoul"},
    )
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    response = client.post(
        f"/ministry/institutions/{existing.id}/mous/new",
        headers=EN,
        data={
            "number": "M-1",
            "signed_on": "2018-03-02",
            "starts_on": "2018-12-31",
            "ends_on": "2018-03-02",
            "committed": "-5",
        },
    )
    assert response.status_code == 400


def test_an_amendment_that_would_take_the_remaining_quota_below_zero_is_refused(client, auth, make):
    builders = OrderBuilders(make)
    buyer, mou, allocation = builders.setup(committed=10_000_000)
    builders.order(buyer, allocation, mou, quantity=8)
    auth.login(make.user("ministry"))
    response = client.post(f"/ministry/mous/{mou.id}/amend", data={"delta": "-3,000,000", "reason": "cut"}, headers=EN)
    assert response.status_code == 400 and "below zero" in response.get_data(as_text=True)
    response = client.post(f"/ministry/mous/{mou.id}/amend", data={"delta": "abc", "reason": "cut"}, headers=EN)
    assert response.status_code == 400
    assert (
        client.post(f"/ministry/mous/{mou.id}/amend", data={"delta": "-2,000,000", "reason": "cut"}).status_code == 302
    )
    assert (
        client.post(f"/ministry/mous/{mou.id}/amend", data={"delta": "+5,000,000", "reason": "top-up"}).status_code
        == 302
    )
    db.session.refresh(mou)
    assert (mou.committed_krw, mou.balance_krw) == (13_000_000, 5_000_000)
    assert db.session.query(AuditEvent).filter_by(action="mou.amended").count() == 2


def test_an_invited_buyer_is_mailed_a_link_and_sets_a_password_once_through_it(client, auth, make):
    institution = make.institution()
    auth.login(make.user("ministry"))
    response = client.post(
        f"/ministry/institutions/{institution.id}/invite",
        headers=EN,
        data={"name": "Kim Buyer", "email": "kim@inst.example"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The invitation was mailed to Kim Buyer" in page
    link = mail_link(sent("kim@inst.example")[-1], "/set-password/")
    assert link in page  # shown to staff as well while mail is kept for development (no MAIL_URL)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalar(select(OneTimeToken))
    assert stored.token_sha256 != token and len(stored.token_sha256) == 64
    auth.logout()
    assert client.get(link).status_code == 200
    response = client.post(
        link,
        data={"name": "Kim", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD, "agree_terms": "y", "agree_privacy": "y"},
    )
    assert response.status_code == 302
    assert client.get(link, headers=EN).status_code == 400  # single use
    assert auth.login("kim@inst.example", NEW_PASSWORD).headers["Location"] != "/login"
    assert client.get("/buyer/").status_code == 200


def test_an_expired_link_is_refused(client, make):
    staff = make.user("ministry")
    institution = make.institution()
    _, token = institutions.invite_buyer(
        staff, institution.id, "late@inst.example", "Late", now=clock.now() - timedelta(hours=73)
    )
    response = client.get(f"/set-password/{token}", headers=EN)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert client.get("/set-password/not-a-token", headers=EN).status_code == 400


def test_an_institution_asks_to_join_and_staff_approve_it(client, auth, make):
    response = client.post(
        "/join-institution",
        data={
            "name_ko": "새기관",
            "name_en": "New agency",
            "kind": "central_agency",
            "region": "sejong",
            "contact_name": "Lee",
            "contact_email": "lee@new.example",
        },
    )
    assert response.status_code == 302
    pending = db.session.scalar(select(Institution).where(Institution.status == "pending"))
    assert (pending.contact_name, pending.contact_email) == ("Lee", "lee@new.example")
    assert db.session.scalar(select(User).where(User.email == "lee@new.example")) is None  # no account yet
    assert client.post("/login", data={"email": "lee@new.example", "password": DEFAULT_PASSWORD}).status_code == 400
    auth.login(make.user("ministry"))
    assert "새기관" in client.get("/ministry/join-requests").get_data(as_text=True)
    response = client.post(f"/ministry/join-requests/{pending.id}/approve", data={"code": "NEWAG"}, headers=EN)
    assert response.status_code == 200 and "/set-password/" in response.get_data(as_text=True)
    db.session.refresh(pending)
    assert (pending.status, pending.code) == ("active", "NEWAG")
    contact = db.session.scalar(select(User).where(User.email == "lee@new.example"))
    assert (contact.role, contact.institution_id, contact.active, contact.password_hash) == (
        "buyer",
        pending.id,
        True,
        None,
    )
    again = client.post(f"/ministry/join-requests/{pending.id}/approve", data={"code": "NEWAG"}, headers=EN)
    assert again.status_code == 400


def test_the_join_form_refuses_bad_input_plainly(client):
    response = client.post("/join-institution", data={"name_ko": "", "contact_email": "nope"}, headers=EN)
    assert response.status_code == 400 and "valid e-mail" in response.get_data(as_text=True)
