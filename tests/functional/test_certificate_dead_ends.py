"""Certificates without dead ends: an expired one is refused at upload and cannot be verified, and a
supplier can delete a certificate that was never verified and that no product names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.domain.suppliers import TransitionRefused, check_deletable, may_delete
from marketplace.extensions import db
from marketplace.models import AuditEvent, Certificate, StoredFile
from tests import clock
from tests.builders_supplier import certificate_form, sign_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def supplier(client, make):
    user = make.user("supplier")
    sign_in(client, user)
    return user


def _epc(make):
    return make.certificate_type("EPC").id


def _upload(client, make, **overrides):
    return client.post(
        "/supplier/certificates/new",
        data=certificate_form(_epc(make), **overrides),
        content_type="multipart/form-data",
        headers=EN,
    )


def test_an_expired_certificate_is_refused_at_upload_and_its_number_stays_free(client, make, supplier):
    yesterday = clock.today() - timedelta(days=1)
    response = _upload(client, make, issued_on="2015-01-01", expires_on=yesterday.isoformat())
    assert response.status_code == 400
    assert f"This certificate expired on {yesterday.isoformat()}" in response.get_data(as_text=True)
    assert db.session.query(Certificate).count() == 0 and db.session.query(StoredFile).count() == 0
    assert _upload(client, make).status_code == 302  # the same number, now valid


def test_a_certificate_expiring_today_is_still_accepted(client, make, supplier):
    assert _upload(client, make, expires_on=clock.today().isoformat()).status_code == 302


def test_who_may_delete_a_certificate():
    assert may_delete("pending", 0) and may_delete("rejected", 0)
    assert not may_delete("verified", 0) and not may_delete("revoked", 0) and not may_delete("pending", 1)
    with pytest.raises(TransitionRefused, match="remove it from the product"):
        check_deletable("rejected", 2)


def test_a_supplier_deletes_an_unused_pending_certificate_and_may_upload_its_number_again(client, make, supplier):
    assert _upload(client, make).status_code == 302
    certificate = db.session.query(Certificate).one()
    page = client.get("/supplier/certificates", headers=EN).get_data(as_text=True)
    assert f"/supplier/certificates/{certificate.id}/delete" in page
    assert client.post(f"/supplier/certificates/{certificate.id}/delete").status_code == 302
    assert db.session.query(Certificate).count() == 0 and db.session.query(StoredFile).count() == 0
    event = db.session.query(AuditEvent).filter(AuditEvent.action == "certificate.deleted").one()
    assert event.before["number"] == "EPC-2024-0001" and event.company_id == supplier.company_id
    assert _upload(client, make).status_code == 302


def test_a_verified_or_used_certificate_offers_no_delete_and_refuses_one(client, make, supplier):
    verified = make.certificate(supplier.company, status="verified")
    used = make.certificate(supplier.company, status="pending")
    make.product(supplier.company, certificates=[used])
    page = client.get("/supplier/certificates", headers=EN).get_data(as_text=True)
    assert f"/certificates/{verified.id}/delete" not in page and f"/certificates/{used.id}/delete" not in page
    assert "Remove it from its products to delete it." in page
    for certificate in (verified, used):
        client.post(f"/supplier/certificates/{certificate.id}/delete")
        assert db.session.get(Certificate, certificate.id) is not None
    other = make.certificate(make.company(), status="pending")
    assert client.post(f"/supplier/certificates/{other.id}/delete").status_code == 404


def test_each_delete_button_names_its_certificate(client, make, supplier):
    make.certificate(supplier.company, status="rejected", number="C-77")
    page = client.get("/supplier/certificates", headers=EN).get_data(as_text=True)
    assert '<span class="sr-only"> Performance certification (EPC) C-77</span>' in page


def test_staff_cannot_verify_an_expired_certificate(client, auth, make):
    certificate = make.certificate(
        status="pending",
        issued_on=clock.today() - timedelta(days=800),
        expires_on=clock.today() - timedelta(days=1),
    )
    auth.login(make.user("ministry"), language="en")
    page = client.get("/ministry/certificates").get_data(as_text=True)
    assert 'value="verify"' not in page and "Expired: it cannot be verified." in page
    response = client.post(f"/ministry/certificates/{certificate.id}/decision", data={"action": "verify"})
    assert response.status_code == 400 and "cannot be verified" in response.get_data(as_text=True)
    assert db.session.get(Certificate, certificate.id).status == "pending"
    response = client.post(
        f"/ministry/certificates/{certificate.id}/decision", data={"action": "reject", "reason": "Expired"}
    )
    assert response.status_code == 302 and db.session.get(Certificate, certificate.id).status == "rejected"
