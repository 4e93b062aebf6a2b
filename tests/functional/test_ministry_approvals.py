"""Ministry staff approve or refuse companies and certificates; every decision is audited and explained."""

import pytest

from marketplace.extensions import db
from marketplace.models import AuditEvent, Certificate, Company
from tests.builders_supplier import sign_in


@pytest.fixture
def staff(client, make):
    user = make.user("ministry")
    sign_in(client, user)
    return user


def _events(action):
    return db.session.query(AuditEvent).filter_by(action=action).all()


def test_staff_approve_a_pending_company_and_the_decision_is_audited(client, make, staff):
    company = make.company(status="pending")
    response = client.post(f"/ministry/companies/{company.id}/decision", data={"action": "approve"})
    assert response.status_code == 302
    company = db.session.get(Company, company.id)
    assert company.status == "approved" and company.decided_by_id == staff.id and company.decided_at
    [event] = _events("company.approved")
    assert event.actor_id == staff.id and event.actor_role == "ministry" and event.company_id == company.id
    assert event.before["status"] == "pending" and event.after["status"] == "approved"


def test_rejecting_needs_a_reason_and_the_supplier_sees_it(app, client, make, staff):
    company = make.company(status="pending")
    supplier = make.user("supplier", company=company)
    refused = client.post(f"/ministry/companies/{company.id}/decision", data={"action": "reject", "reason": " "})
    assert refused.status_code == 400 and b"Give a reason" in refused.data
    assert db.session.get(Company, company.id).status == "pending" and not _events("company.rejected")
    reason = "사업자등록증 사본이 흐립니다"
    client.post(f"/ministry/companies/{company.id}/decision", data={"action": "reject", "reason": reason})
    assert db.session.get(Company, company.id).status == "rejected"
    assert _events("company.rejected")[0].reason == reason
    supplier_client = app.test_client()
    sign_in(supplier_client, supplier)
    assert reason.encode() in supplier_client.get("/supplier/").data


def test_a_rejected_company_corrects_its_details_and_goes_back_to_pending(client, make):
    company = make.company(status="rejected", status_reason="wrong region")
    supplier = make.user("supplier", company=company)
    sign_in(client, supplier)
    data = {
        "name_ko": company.name_ko,
        "name_en": "Renamed Co",
        "representative": "홍길동",
        "region": "busan",
        "founded_on": "2020-01-01",
        "size_class": "small",
        "public_supply_krw": "0",
        "public_supply_count": "0",
        "public_supply_as_of": "2024-01-01",
    }
    assert client.post("/supplier/company", data=data).status_code == 302
    company = db.session.get(Company, company.id)
    assert company.status == "pending" and company.region == "busan"
    assert len(_events("company.resubmitted")) == 1


def test_an_approved_company_cannot_edit_its_details(client, make):
    supplier = make.user("supplier")
    sign_in(client, supplier)
    data = {
        "name_ko": "바뀐 이름",
        "representative": "x",
        "region": "busan",
        "founded_on": "2020-01-01",
        "size_class": "small",
        "public_supply_krw": "0",
        "public_supply_count": "0",
        "public_supply_as_of": "2024-01-01",
    }
    response = client.post("/supplier/company", data=data)
    assert response.status_code == 400 and b"Contact the ministry" in response.data
    assert db.session.get(Company, supplier.company_id).name_ko != "바뀐 이름"


def test_a_company_name_change_rebuilds_its_products_search_text(client, make):
    company = make.company(status="pending")
    supplier = make.user("supplier", company=company)
    product = make.product(company, status="draft")
    sign_in(client, supplier)
    data = {
        "name_ko": "파랑물산",
        "name_en": "Blue Goods",
        "representative": "x",
        "region": "busan",
        "founded_on": "2020-01-01",
        "size_class": "small",
        "public_supply_krw": "0",
        "public_supply_count": "0",
        "public_supply_as_of": "2024-01-01",
    }
    assert client.post("/supplier/company", data=data).status_code == 302
    db.session.refresh(product)
    assert "파랑물산" in product.search_text and "blue goods" in product.search_text


def test_suspending_needs_a_reason_and_impossible_decisions_are_400(client, make, staff):
    company = make.company(status="approved")
    decide = f"/ministry/companies/{company.id}/decision"
    assert client.post(decide, data={"action": "suspend"}).status_code == 400
    assert (
        client.post(f"/ministry/companies/{company.id}/decision", data={"action": "reject", "reason": "x"}).status_code
        == 400
    )
    assert client.post(f"/ministry/companies/{company.id}/decision", data={}).status_code == 400
    assert (
        client.post(
            f"/ministry/companies/{company.id}/decision", data={"action": "suspend", "reason": "허위 서류"}
        ).status_code
        == 302
    )
    assert db.session.get(Company, company.id).status == "suspended"
    assert client.post("/ministry/companies/999999/decision", data={"action": "approve"}).status_code == 404


def test_certificates_are_verified_rejected_and_revoked_with_reasons_shown_to_the_supplier(app, client, make, staff):
    supplier = make.user("supplier")
    first = make.certificate(supplier.company, status="pending", number="C-1")
    second = make.certificate(supplier.company, status="pending", number="C-2")
    first_url = f"/ministry/certificates/{first.id}/decision"
    assert client.post(first_url, data={"action": "verify"}).status_code == 302
    assert client.post(f"/ministry/certificates/{second.id}/decision", data={"action": "reject"}).status_code == 400
    client.post(
        f"/ministry/certificates/{second.id}/decision",
        data={"action": "reject", "reason": "유효기간이 인증서와 다릅니다"},
    )
    client.post(first_url, data={"action": "revoke", "reason": "인증 취소 통보"})
    assert db.session.get(Certificate, first.id).status == "revoked"
    assert db.session.get(Certificate, second.id).status == "rejected"
    events = db.session.query(AuditEvent).filter(AuditEvent.action.like("certificate.%"))
    events = events.order_by(AuditEvent.id)
    assert [e.after["status"] for e in events] == ["verified", "rejected", "revoked"]
    supplier_client = app.test_client()
    sign_in(supplier_client, supplier)
    page = supplier_client.get("/supplier/certificates").data
    assert "유효기간이 인증서와 다릅니다".encode() in page and "인증 취소 통보".encode() in page


def test_staff_confirm_the_public_supply_record(client, make, staff):
    company = make.company(public_supply_krw=120_000_000, public_supply_count=3)
    assert client.post(f"/ministry/companies/{company.id}/supply-record").status_code == 302
    assert db.session.get(Company, company.id).public_supply_confirmed_at is not None
    [event] = _events("company.supply_record_confirmed")
    assert event.after["krw"] == 120_000_000 and event.after["count"] == 3


def test_the_dashboard_counts_what_waits_and_the_lists_filter_by_status(client, make, staff):
    pending = make.company(status="pending", name_ko="대기기업", name_en="")
    make.company(status="approved", name_ko="승인기업", name_en="")
    make.certificate(pending, status="pending")
    dashboard = client.get("/ministry/", headers={"Accept-Language": "en"})
    assert b"Companies to review" in dashboard.data
    listing = client.get("/ministry/companies?status=pending").data
    assert "대기기업".encode() in listing and "승인기업".encode() not in listing
    assert "승인기업".encode() in client.get("/ministry/companies?status=").data
    assert client.get(f"/ministry/companies/{pending.id}").status_code == 200
    assert client.get("/ministry/certificates").status_code == 200
    assert client.get("/ministry/companies/999999").status_code == 404


def test_the_audit_log_filters_by_action_and_company_and_pages(client, make, staff):
    first, second = make.company(status="pending"), make.company(status="pending")
    client.post(f"/ministry/companies/{first.id}/decision", data={"action": "approve"})
    client.post(f"/ministry/companies/{second.id}/decision", data={"action": "reject", "reason": "사유 A"})
    page = client.get(f"/ministry/audit?company={second.id}").data
    assert b'title="company.rejected"' in page and b'title="company.approved"' not in page
    assert b'title="company.rejected">Company rejected</span>' in page  # the code's meaning, in words
    page = client.get("/ministry/audit?action=company.approved").data
    assert b'title="company.approved"' in page and "사유 A".encode() not in page
    assert b'<option value="company.approved" selected>Company approved</option>' in page
    assert client.get("/ministry/audit?page=99").status_code == 200
    assert client.get("/ministry/audit?page=abc").status_code == 200


def test_a_supplier_cannot_reach_the_approval_pages(client, make):
    sign_in(client, make.user("supplier"))
    company = make.company(status="pending")
    response = client.post(f"/ministry/companies/{company.id}/decision", data={"action": "approve"})
    assert response.status_code == 403
    assert db.session.get(Company, company.id).status == "pending"


def test_the_audit_log_shows_objects_and_changed_values_readably(client, make, staff):
    from marketplace.services.audit import record_event

    company = make.company(status="pending")
    client.post(f"/ministry/companies/{company.id}/decision", data={"action": "approve"})
    record_event(
        staff,
        "mou.created",
        company,
        after={"number": "MOU-X", "committed_krw": 12_000_000_000, "active": True, "note": None},
        company_id=company.id,
    )
    db.session.commit()
    page = client.get(f"/ministry/audit?company={company.id}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert f'<td class="app-object">Company {company.id}</td>' in html
    assert '<dt>Committed amount</dt><dd class="app-money">KRW 12,000,000,000</dd>' in html
    assert "<dt>Active</dt><dd>Yes</dd>" in html and "<dt>Note</dt><dd>-</dd>" in html
    assert "<dt>Status</dt><dd>Pending review</dd>" in html  # the decision's before value
    assert "{&#34;" not in html and '{"' not in html  # no raw JSON


def test_audit_fields_format_each_kind_of_value(app):
    from marketplace.audit_display import audit_fields

    with app.test_request_context("/?lang=ko"):
        assert audit_fields({"amount_krw": 5_760_000, "ok": False, "ids": [1, 2], "seed": "07 12"}) == [
            ("금액", "5,760,000원", "app-money"),
            ("ok", "아니요", ""),
            ("ids", "1, 2", ""),
            ("시드", "07 12", ""),
        ]
        assert audit_fields(None) == [] and audit_fields(["a"]) == [("", '["a"]', "")]
