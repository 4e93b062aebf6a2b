"""Certificate versions: a new one after delivery, inspection or evaluation; cancelling revokes every valid one."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from marketplace.domain.relief import CertificateRefused
from marketplace.extensions import db
from marketplace.models import AuditEvent, AuditReliefCertificate
from marketplace.services import orders, relief_certificates
from marketplace.services import report_data as data
from marketplace.services import report_documents as documents
from tests.builders_orders import OrderBuilders
from tests.pdf_checks import pdf_text


@pytest.fixture
def placed(app, make):
    ob = OrderBuilders(make)
    buyer, mou, allocation = ob.setup()
    return buyer, ob.order(buyer, allocation, mou)


def versions(order_id):
    db.session.expire_all()
    return relief_certificates.versions_of(order_id)


def test_a_new_version_after_delivery_supersedes_the_first_and_the_first_names_it(app, placed, today):
    buyer, order = placed
    first = relief_certificates.issue(buyer, order.id, "en")
    orders.deliver(buyer, order.id, today)
    second = relief_certificates.issue(buyer, order.id, "en")
    old, new = versions(order.id)
    assert (old.version, old.status, old.superseded_by_id) == (1, "superseded", second.id)
    assert (new.version, new.status, new.serial) == (2, "valid", f"{first.serial}-2")
    assert old.superseded_at == new.issued_at
    facts = json.loads(new.facts_json)
    assert facts["supersedes"] == first.serial and facts["state"]["status"] == "delivered"
    assert facts["state"]["delivered_on"] == today.isoformat()
    assert new.verification_code != old.verification_code
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "AuditReliefCertificate").order_by(AuditEvent.seq)
    ).all()
    assert events == ["relief_certificate.issued", "relief_certificate.superseded", "relief_certificate.issued"]


def test_no_new_version_while_the_order_has_not_moved_on(app, placed):
    buyer, order = placed
    relief_certificates.issue(buyer, order.id)
    with pytest.raises(CertificateRefused, match="already states the order as it is now"):
        relief_certificates.issue(buyer, order.id)
    assert len(versions(order.id)) == 1


def test_inspection_and_evaluation_each_allow_one_more_version(app, placed, today):
    buyer, order = placed
    relief_certificates.issue(buyer, order.id)
    orders.deliver(buyer, order.id, today)
    orders.inspect(buyer, order.id, "accepted", "", today)
    relief_certificates.issue(buyer, order.id)
    orders.evaluate(
        buyer, order.id, dict.fromkeys(("conformance", "quality", "delivery", "support", "overall"), 4), True, ""
    )
    third = relief_certificates.issue(buyer, order.id)
    assert [(v.version, v.order_status, v.status) for v in versions(order.id)] == [
        (1, "placed", "superseded"),
        (2, "inspected", "superseded"),
        (3, "evaluated", "valid"),
    ]
    assert json.loads(third.facts_json)["state"]["evaluation"]["overall"] == 4


def test_cancelling_revokes_the_valid_version_in_the_cancellations_transaction(app, placed, today):
    buyer, order = placed
    relief_certificates.issue(buyer, order.id)
    orders.deliver(buyer, order.id, today)
    relief_certificates.issue(buyer, order.id)
    cancelled = orders.cancel(buyer, order.id, "Supplier could not deliver")
    old, new = versions(order.id)
    assert old.status == "superseded" and old.revoked_at is None
    assert new.status == "revoked" and new.revoked_at == cancelled.cancelled_at
    revoked = db.session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "relief_certificate.revoked")
    ).all()
    assert revoked == [new.id]
    with pytest.raises(CertificateRefused):
        relief_certificates.issue(buyer, order.id)


def test_the_database_holds_at_most_one_valid_version_per_order(app, placed):
    buyer, order = placed
    first = relief_certificates.issue(buyer, order.id)
    second = AuditReliefCertificate(
        order_id=order.id,
        version=2,
        serial=first.serial + "-2",
        verification_code="X",
        order_status="placed",
        facts_json="{}",
        facts_sha256="0" * 64,
        pdf=b"%PDF",
        pdf_sha256="1" * 64,
        status="valid",
    )
    db.session.add(second)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(update(AuditReliefCertificate).values(status="outdated"))
    db.session.rollback()


def test_the_register_lists_every_version_with_its_status(app, placed, today):
    buyer, order = placed
    first = relief_certificates.issue(buyer, order.id, "en")
    orders.deliver(buyer, order.id, today)
    second = relief_certificates.issue(buyer, order.id, "en")
    register = data.load_relief_register(order.institution_id, today - timedelta(days=1), today, "en")
    assert [(e.serial, e.status, e.superseded_by) for e in register.entries] == [
        (first.serial, "superseded", second.serial),
        (second.serial, "valid", None),
    ]
    assert register.valid_count == 1
    orders.cancel(buyer, order.id, "Supplier went out of business")
    document = documents.relief_register(buyer, order.institution_id, today - timedelta(days=1), today, "en")
    text = "".join(pdf_text(document.pdf))
    assert first.serial in text and second.serial in text
    assert "Superseded" in text and "Revoked" in text
