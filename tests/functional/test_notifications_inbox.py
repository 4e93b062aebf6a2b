"""The inbox: a ministry decision reaches the supplier's inbox and mail once, in their language; they read it
there, mark it read, choose per kind what they get; nobody can touch another user's notifications."""

from __future__ import annotations

import pytest

from marketplace.database import begin_write
from marketplace.extensions import db
from marketplace.models import Notification, NotificationPreference, OutboxMail
from marketplace.services import approvals, notifications
from tests.builders_supplier import sign_in
from tests.mail import sent


@pytest.fixture
def rejected(app, make):
    """A supplier (reading in English) whose pending company the ministry rejects with a reason."""
    company = make.company(status="pending", name_ko="가나기업", name_en="Gana Ltd")
    supplier = make.user("supplier", company=company, language="en")
    staff = make.user("ministry")
    return supplier, staff, company


def test_a_decision_reaches_the_inbox_and_one_mail_in_the_users_language(client, rejected):
    supplier, staff, company = rejected
    approvals.decide_company(staff, company.id, "reject", "The register copy is unreadable")
    [row] = db.session.query(Notification).filter_by(recipient_id=supplier.id).all()
    assert row.kind == "company_decided" and row.params["variant"] == "rejected" and row.read_at is None
    assert row.params["company_ko"] == "가나기업" and row.params["reason"] == "The register copy is unreadable"
    [mail] = sent(supplier.email)
    assert "The ministry rejected Gana Ltd. Reason: The register copy is unreadable" in mail.body
    assert mail.subject == "The ministry decides on my company"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = mail.alternatives[0][0]
    assert "The ministry rejected Gana Ltd." in html and "/account/notifications" in html


def test_the_inbox_shows_the_sentence_in_the_readers_language_with_an_unread_badge(client, rejected):
    supplier, staff, company = rejected
    approvals.decide_company(staff, company.id, "reject", "흐린 사본")
    sign_in(client, supplier, language="ko")
    page = client.get("/notifications").get_data(as_text=True)
    assert "중소벤처기업부에서 기업을 반려했습니다: 가나기업. 사유: 흐린 사본" in page
    assert 'class="app-badge">1' in page and "알림" in page
    sign_in(client, supplier, language="en")
    page = client.get("/notifications").get_data(as_text=True)
    assert "The ministry rejected Gana Ltd. Reason: 흐린 사본" in page


def test_the_same_event_told_twice_is_told_once(app, rejected):
    supplier, _, company = rejected
    for _ in range(2):
        begin_write()
        notifications.notify(supplier, "company_decided", "company:1:x", {"variant": "approved"}, "/supplier/")
        db.session.commit()
    assert db.session.query(Notification).count() == 1
    assert db.session.query(OutboxMail).filter_by(recipient=supplier.email).count() == 1


def test_marking_read_is_idempotent_and_clears_the_badge(client, rejected):
    supplier, staff, company = rejected
    approvals.decide_company(staff, company.id, "approve", "")
    [row] = db.session.query(Notification).all()
    sign_in(client, supplier)
    for _ in range(2):
        assert client.post(f"/notifications/{row.id}/read").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, row.id).read_at is not None
    assert "app-badge" not in client.get("/notifications").get_data(as_text=True)


def test_mark_all_read_marks_only_the_users_own(client, make, rejected):
    supplier, staff, company = rejected
    other = make.user("supplier", company=company)  # the same company: both are told
    approvals.decide_company(staff, company.id, "approve", "")
    sign_in(client, supplier)
    assert client.post("/notifications/read").status_code == 302
    db.session.expire_all()
    read = {n.recipient_id: n.read_at is not None for n in db.session.query(Notification)}
    assert read == {supplier.id: True, other.id: False}


def test_another_users_notification_cannot_be_marked_read(client, make, rejected):
    supplier, staff, company = rejected
    approvals.decide_company(staff, company.id, "approve", "")
    [row] = db.session.query(Notification).all()
    sign_in(client, make.user("supplier"))
    assert client.post(f"/notifications/{row.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, row.id).read_at is None


def test_the_inbox_is_paginated_newest_first(client, make):
    supplier = make.user("supplier")
    begin_write()
    for n in range(25):
        params = {"variant": "approved", "company_ko": f"회사{n:02d}", "company_en": f"Company{n:02d}"}
        notifications.notify(supplier, "company_decided", f"k{n}", params, "")
    db.session.commit()
    sign_in(client, supplier)
    first = client.get("/notifications").get_data(as_text=True)
    assert "Company24" in first and "Company00" not in first
    assert "Company00" in client.get("/notifications?page=2").get_data(as_text=True)


def test_only_the_kinds_of_the_users_role_are_offered_and_saved(client, make):
    buyer = make.user("buyer")
    sign_in(client, buyer)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Quota runs low" in page and "A round opens" not in page
    response = client.post("/account/notifications", data={"in_app-quota_low": "y", "round_opened": "y"})
    assert response.status_code == 302
    rows = {r.kind: (r.in_app, r.mail) for r in db.session.query(NotificationPreference)}
    assert rows["quota_low"] == (True, False) and rows["evaluation_due"] == (False, False)
    assert "round_opened" not in rows


def test_in_app_off_keeps_the_mail_and_mail_off_keeps_the_inbox(make, rejected):
    supplier, staff, company = rejected
    notifications.set_choices(supplier.id, {"company_decided": (False, True), "certificate_decided": (True, False)})
    approvals.decide_company(staff, company.id, "approve", "")
    certificate = make.certificate(company, status="pending")
    approvals.decide_certificate(staff, certificate.id, "verify", "")
    kinds = [n.kind for n in db.session.query(Notification).filter_by(recipient_id=supplier.id)]
    assert kinds == ["certificate_decided"]
    [mail] = sent(supplier.email)
    assert "approved Gana Ltd" in mail.body


def test_the_unsubscribe_link_still_stops_every_notification_mail(client, rejected):
    supplier, staff, company = rejected
    supplier.notifications_off = True
    db.session.commit()
    approvals.decide_company(staff, company.id, "approve", "")
    assert db.session.query(Notification).filter_by(recipient_id=supplier.id).count() == 1
    assert sent(supplier.email) == []


def test_the_badge_is_one_count_query_and_absent_for_visitors(client, make):
    assert "app-badge" not in client.get("/").get_data(as_text=True)
    supplier = make.user("supplier")
    sign_in(client, supplier)
    assert "app-badge" not in client.get("/").get_data(as_text=True)


def test_a_failing_count_leaves_the_badge_out_rather_than_failing_the_page(client, make, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def failing(_user_id):
        raise OperationalError("SELECT count(*)", {}, Exception("database is locked"))

    sign_in(client, make.user("supplier"))
    monkeypatch.setattr(notifications, "unread_count", failing)
    response = client.get("/notifications")
    assert response.status_code == 200 and "app-badge" not in response.get_data(as_text=True)
