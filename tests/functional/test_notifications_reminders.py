"""The dated reminders fire on their Seoul day, once per recipient however often the hourly task runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import Notification
from marketplace.services.reminders import send_reminders
from tests.builders_orders import OrderBuilders
from tests.builders_rounds import RoundBuilders, kst
from tests.mail import sent

# 23:30 UTC on 10 March is 08:30 on 11 March in Seoul: the program's "today" is the 11th.
LATE_UTC = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
SEOUL_DAY = date(2026, 3, 11)
SAME_UTC_DAY_EARLIER = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)  # 23:30 on the 10th in Seoul


def told(user, kind: str) -> list[Notification]:
    return db.session.query(Notification).filter_by(recipient_id=user.id, kind=kind).all()


def test_a_certificate_reminder_follows_the_seoul_date_not_the_utc_one_and_fires_once(app, make):
    supplier = make.user("supplier", language="en")
    certificate = make.certificate(supplier.company, expires_on=SEOUL_DAY + timedelta(days=30))
    send_reminders(SAME_UTC_DAY_EARLIER)  # the 10th in Seoul: 31 days left
    assert told(supplier, "certificate_expiring") == []
    for _ in range(3):
        send_reminders(LATE_UTC)
        send_reminders(LATE_UTC + timedelta(hours=1))
    [row] = told(supplier, "certificate_expiring")
    assert row.params == {"number": certificate.number, "expires": "2026-04-10", "days": 30}
    [mail] = sent(supplier.email)
    assert f"Certificate {certificate.number} expires on 2026-04-10, in 30 days." in mail.body


@pytest.mark.parametrize("days", [60, 30, 7])
def test_each_certificate_threshold_fires_on_its_day(app, make, days):
    supplier = make.user("supplier")
    make.certificate(supplier.company, expires_on=SEOUL_DAY + timedelta(days=days))
    send_reminders(LATE_UTC)
    assert [n.params["days"] for n in told(supplier, "certificate_expiring")] == [days]


def test_a_round_closing_reminds_only_suppliers_who_have_not_applied_at_7_and_1_days(app, make):
    rounds = RoundBuilders(make)
    round_ = rounds.round(opens_at=kst(date(2026, 3, 1), 9), closes_at=kst(SEOUL_DAY + timedelta(days=7), 18))
    idle, applied = make.user("supplier", language="en"), make.user("supplier")
    make.product(idle.company)
    rounds.application(round_, make.product(applied.company))
    send_reminders(LATE_UTC)
    send_reminders(LATE_UTC + timedelta(minutes=30))
    [week] = told(idle, "round_closing")
    assert week.params["variant"] == "7" and told(applied, "round_closing") == []
    assert any("closes in 7 days" in m.body for m in sent(idle.email))
    send_reminders(LATE_UTC + timedelta(days=6))
    assert sorted(n.params["variant"] for n in told(idle, "round_closing")) == ["1", "7"]


def test_an_allocation_about_to_expire_reminds_the_buyers_once(app, make):
    builders = OrderBuilders(make)
    buyer = make.user("buyer", language="en")
    builders.allocation(buyer.institution, valid_until=SEOUL_DAY + timedelta(days=7))
    send_reminders(LATE_UTC)
    send_reminders(LATE_UTC)
    [row] = told(buyer, "allocation_expiring")
    assert row.params["until"] == "2026-03-18"
    assert any("can be ordered until 2026-03-18" in m.body for m in sent(buyer.email))


def test_an_evaluation_due_reminds_the_buyers_seven_days_before_its_day(app, make):
    builders = OrderBuilders(make)
    buyer, mou, allocation = builders.setup()
    order = builders.order(buyer, allocation, mou)
    order.status, order.inspection_result = "inspected", "accepted"
    order.inspected_on = SEOUL_DAY + timedelta(days=7) - timedelta(days=30)
    db.session.commit()
    send_reminders(SAME_UTC_DAY_EARLIER)
    assert told(buyer, "evaluation_due") == []
    send_reminders(LATE_UTC)
    [row] = told(buyer, "evaluation_due")
    assert row.params["due"] == "2026-03-18" and row.link == f"/buyer/orders/{order.id}/evaluate"
    assert any(order.number in m.body and "2026-03-18" in m.body for m in sent(buyer.email))


def test_the_ministry_digest_comes_once_a_seoul_day_from_eight_and_only_when_something_waits(app, make):
    staff = make.user("ministry", language="en")
    send_reminders(LATE_UTC)
    assert told(staff, "daily_digest") == []  # nothing waits
    make.company(status="pending")
    send_reminders(LATE_UTC - timedelta(hours=1))  # 07:30 in Seoul: not yet
    assert told(staff, "daily_digest") == []
    send_reminders(LATE_UTC)
    send_reminders(LATE_UTC + timedelta(hours=5))
    [digest] = told(staff, "daily_digest")
    assert digest.params == {"companies": 1, "certificates": 0, "institutions": 0}
    assert [m for m in sent(staff.email) if "Waiting for review: 1 companies" in m.body] != []
    send_reminders(LATE_UTC + timedelta(days=1))
    assert len(told(staff, "daily_digest")) == 2


def test_the_hourly_task_sends_the_reminders_in_an_app_context(app, monkeypatch):
    from marketplace.jobs import tasks
    from marketplace.services import reminders

    calls = []
    monkeypatch.setattr(reminders, "send_reminders", lambda: calls.append(True))
    tasks.hourly_reminders()
    assert calls == [True]
