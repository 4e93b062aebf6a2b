"""Cancelling and issuing at once never leave a valid certificate for a cancelled order (SQLite and PostgreSQL).

Issuing renders the PDF outside the write transaction, then stores under the order's row lock; the
cancellation takes the same lock and revokes every valid version in its own transaction. The PDF is a
stand-in that takes RENDER_SECONDS, like a real render: the storage use cases are under test here.
"""

from __future__ import annotations

import select as io_select
import threading

import pytest
from sqlalchemy import select

from marketplace.domain.relief import CertificateRefused
from marketplace.extensions import db
from marketplace.models import AuditReliefCertificate, Order, User
from marketplace.reports import certificates
from marketplace.services import orders, relief_certificates
from tests.builders_orders import OrderBuilders

RENDER_SECONDS = 0.02
ROUNDS = 12
FAKE_PDF = b"%PDF-1.7 race test\n"


def pause(seconds: float) -> None:
    """time.sleep, but under faketime (CI's date runs) time.sleep in a thread fails with EINVAL; select waits."""
    io_select.select([], [], [], seconds)


@pytest.fixture
def slow_render(monkeypatch):
    """The PDF takes RENDER_SECONDS, then runs `during` (if set): what happens while it is rendered."""
    state = {"during": None}

    def render_pdf(*_args, **_kwargs):
        pause(RENDER_SECONDS)
        during = state.pop("during", None)  # once: a render it starts runs nothing more
        if during is not None:
            during()
        return FAKE_PDF

    monkeypatch.setattr(certificates, "render_pdf", render_pdf)
    return state


def in_thread(app, action) -> dict:
    """Run `action` in a thread of its own with its own app context (its own session and connection)."""
    outcome: dict = {}

    def run():
        with app.app_context():
            try:
                outcome["value"] = action()
            except Exception as error:  # noqa: BLE001 - the caller inspects what happened
                db.session.rollback()
                outcome["error"] = error
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return {"thread": thread, "outcome": outcome}


def valid_certificates(order_id: int) -> list[AuditReliefCertificate]:
    db.session.expire_all()
    return db.session.scalars(
        select(AuditReliefCertificate).where(
            AuditReliefCertificate.order_id == order_id, AuditReliefCertificate.status == "valid"
        )
    ).all()


def cancel_action(buyer_id: int, order_id: int, delay: float = 0.0):
    def cancel():
        pause(delay)
        return orders.cancel(db.session.get(User, buyer_id), order_id, "Supplier could not deliver").status

    return cancel


def issue_action(buyer_id: int, order_id: int):
    return lambda: relief_certificates.issue(db.session.get(User, buyer_id), order_id).serial


def test_cancelling_while_the_first_certificate_is_rendered_leaves_none(app, make, slow_render):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    order = ob.order(buyer, allocation, mou)
    db.session.commit()

    def cancel_meanwhile():
        job = in_thread(app, cancel_action(buyer.id, order.id))
        job["thread"].join()
        assert job["outcome"] == {"value": "cancelled"}

    slow_render["during"] = cancel_meanwhile
    with pytest.raises(CertificateRefused):
        relief_certificates.issue(db.session.get(User, buyer.id), order.id)
    assert db.session.get(Order, order.id).status == "cancelled"
    assert db.session.scalar(select(AuditReliefCertificate.id)) is None


@pytest.mark.parametrize("second_version", [False, True], ids=["first", "new version"])
def test_cancel_and_issue_at_once_never_leave_a_valid_certificate_for_a_cancelled_order(
    app, make, slow_render, second_version
):
    ob = OrderBuilders(make)
    outcomes = {"stored": 0, "refused": 0}
    for n in range(ROUNDS):
        buyer, mou, allocation = ob.setup()
        order = ob.order(buyer, allocation, mou)
        if second_version:
            relief_certificates.issue(buyer, order.id)
            orders.deliver(buyer, order.id, order.ordered_on)  # delivered on its contract day
        buyer_id, order_id = buyer.id, order.id
        db.session.commit()
        delay = (n * 7 % ROUNDS) / ROUNDS * 2.5 * RENDER_SECONDS  # from at once to after the render
        jobs = [
            in_thread(app, issue_action(buyer_id, order_id)),
            in_thread(app, cancel_action(buyer_id, order_id, delay)),
        ]
        for job in jobs:
            job["thread"].join(timeout=30)
        issued, cancelled = (job["outcome"] for job in jobs)
        assert cancelled == {"value": "cancelled"}, cancelled
        assert "value" in issued or isinstance(issued.get("error"), CertificateRefused), issued
        outcomes["stored" if "value" in issued else "refused"] += 1
        assert valid_certificates(order_id) == []
        stored = relief_certificates.versions_of(order_id)
        cancelled_at = db.session.get(Order, order_id).cancelled_at
        assert all(c.revoked_at == cancelled_at for c in stored if c.status == "revoked")
        assert [c.status for c in stored][-1:] in ([], ["revoked"])
    assert outcomes["stored"] + outcomes["refused"] == ROUNDS


def test_a_serial_taken_while_the_pdf_was_rendered_is_numbered_and_rendered_again(app, make, slow_render):
    import json

    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    first, second = ob.order(buyer, allocation, mou), ob.order(buyer, allocation, mou)
    db.session.commit()

    def another_issue_meanwhile():
        job = in_thread(app, issue_action(buyer.id, second.id))
        job["thread"].join()
        assert "value" in job["outcome"], job["outcome"]

    slow_render["during"] = another_issue_meanwhile
    certificate = relief_certificates.issue(db.session.get(User, buyer.id), first.id)
    other = relief_certificates.versions_of(second.id)[0]
    year = first.ordered_on.year
    assert (other.serial, certificate.serial) == (f"PP-{year}-000001", f"PP-{year}-000002")
    assert json.loads(certificate.facts_json)["serial"] == certificate.serial
