"""An approved supplier is told to ask the ministry for changes: staff have the form, and it is audited."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.models import AuditEvent, Company
from tests import clock
from tests.page_forms import read_page

EN = {"Accept-Language": "en"}


def test_staff_change_an_approved_companys_details_with_a_reason(client, auth, make):
    company = make.company(status="approved", representative="김대표", public_supply_krw=0, public_supply_count=0)
    company.public_supply_confirmed_at = clock.now()
    db.session.commit()
    auth.login(make.user("ministry"), language="en")
    assert f"/ministry/companies/{company.id}/edit" in client.get(f"/ministry/companies/{company.id}").get_data(
        as_text=True
    )
    page = read_page(client.get(f"/ministry/companies/{company.id}/edit").get_data(as_text=True))
    values = page.forms[-1].values()
    assert values["representative"] == "김대표" and page.unlabelled(page.forms[-1]) == []
    refused = client.post(f"/ministry/companies/{company.id}/edit", data={**values, "representative": "이대표"})
    assert refused.status_code == 400 and db.session.get(Company, company.id).representative == "김대표"
    changed = {**values, "representative": "이대표", "public_supply_krw": "120,000,000", "public_supply_count": "2"}
    response = client.post(f"/ministry/companies/{company.id}/edit", data={**changed, "reason": "대표자 변경 신고"})
    assert response.status_code == 302
    company = db.session.get(Company, company.id)
    assert company.representative == "이대표" and company.public_supply_krw == 120_000_000
    assert company.status == "approved" and company.public_supply_confirmed_at is None  # to be confirmed again
    event = db.session.query(AuditEvent).filter(AuditEvent.action == "company.updated_by_ministry").one()
    assert event.reason == "대표자 변경 신고" and event.company_id == company.id
    assert event.before["representative"] == "김대표" and event.after["representative"] == "이대표"
    assert "name_ko" not in event.after  # only what changed
    trail = client.get(f"/ministry/audit?company={company.id}").get_data(as_text=True)
    assert "Company details changed by the ministry" in trail and "<dt>Representative</dt><dd>이대표</dd>" in trail


def test_a_supplier_cannot_use_the_ministry_form(client, auth, make):
    supplier = make.user("supplier")
    auth.login(supplier)
    response = client.post(f"/ministry/companies/{supplier.company_id}/edit", data={"reason": "x"})
    assert response.status_code == 403


def test_the_approved_suppliers_page_says_who_changes_the_details(client, auth, make):
    supplier = make.user("supplier", company=make.company(status="approved"))
    auth.login(supplier, language="en")
    page = client.get("/supplier/company").get_data(as_text=True)
    assert "changed by the ministry" in page and 'name="representative"' not in page
