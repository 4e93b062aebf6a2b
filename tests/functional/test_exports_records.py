"""Ledger, audit trail, audit-relief register and round result as CSV and Excel: the pages' rows, the pages' rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import Application
from marketplace.services import quota
from marketplace.services.audit import record_event
from tests.builders_orders import OrderBuilders
from tests.builders_reports import ReportBuilders
from tests.export_reading import csv_rows, table_rows, won, xlsx_rows

FORMULA = '=HYPERLINK("http://evil.example","클릭")'


@pytest.fixture
def staff(app, make, auth):
    user = make.user("ministry")
    auth.login(user, language="ko")
    return user


@pytest.mark.parametrize("language", ["ko", "en"])
def test_an_mou_ledger_file_shows_the_ledger_page_to_the_won(client, auth, make, staff, language):
    mou = OrderBuilders(make).mou(actor=staff, committed=900_000_000)
    quota.amend_mou(staff, mou.id, -123_456_789, FORMULA)
    quota.amend_mou(staff, mou.id, 1_000_001, "증액")
    client.get(f"/?lang={language}")
    shown = table_rows(client.get(f"/ministry/mous/{mou.id}").get_data(as_text=True))
    for fmt in ("csv", "xlsx"):
        rows = csv_rows(client.get(f"/ministry/mous/{mou.id}/ledger.{fmt}"))
        assert [(int(r[2]), int(r[3])) for r in rows[1:]] == [(won(s[2]), won(s[3])) for s in shown]
        assert [r[1] for r in rows[1:]] == [s[1] for s in shown]
    csv_lines = csv_rows(client.get(f"/ministry/mous/{mou.id}/ledger.csv"))
    assert csv_lines[2][2] == "-123456789"  # a negative amount stays a number
    assert csv_lines[2][4] == "'" + FORMULA  # text that would run as a formula does not
    assert xlsx_rows(client.get(f"/ministry/mous/{mou.id}/ledger.xlsx"))[2][4] == FORMULA  # a string cell


def test_an_unknown_mou_has_no_ledger_file(client, staff):
    assert client.get("/ministry/mous/999999/ledger.csv").status_code == 404


def test_the_audit_file_has_the_audit_pages_filter_and_rows(client, staff, make):
    company = make.company()
    for reason in ("첫째", "둘째", "@SUM(1)"):
        record_event(staff, "list.checked", staff, reason=reason, company_id=company.id)
    record_event(staff, "other.thing", staff, reason="걸러짐")
    db.session.commit()
    url = f"/ministry/audit?action=list.checked&company={company.id}"
    page = client.get(url).get_data(as_text=True)
    shown = [row[6] for row in table_rows(page)]
    assert f"/ministry/audit/export.csv?action=list.checked&amp;company={company.id}" in page
    for fmt in ("csv", "xlsx"):
        rows = csv_rows(client.get(f"/ministry/audit/export.{fmt}?action=list.checked&company={company.id}"))
        reasons = [r[8].lstrip("'") for r in rows[1:]]
        assert reasons == shown == ["@SUM(1)", "둘째", "첫째"]
    assert csv_rows(client.get("/ministry/audit/export.csv?action=list.checked"))[1][8] == "'@SUM(1)"


@pytest.mark.parametrize("query", ["company=x", "company=99999999999999999999", "action=" + "a" * 61])
def test_a_bad_audit_filter_is_refused_with_400(client, staff, query):
    assert client.get(f"/ministry/audit/export.csv?{query}").status_code == 400


def register_query(today, **extra) -> str:
    values = {"register-start": (today - timedelta(days=30)).isoformat(), "register-end": today.isoformat(), **extra}
    return "&".join(f"{k}={v}" for k, v in values.items())


def test_a_buyer_gets_their_own_register_and_never_another_institutions(client, auth, make, today):
    builders = ReportBuilders(make)
    order = builders.purchase()
    certificate = builders.relief_certificate(order)
    owner = order.buyer
    stranger = make.user("buyer")
    auth.login(owner, language="en")
    rows = csv_rows(client.get(f"/buyer/reports/relief-register.csv?{register_query(today)}"))
    assert rows[0][:3] == ["Serial number", "Version", "Issued at (Asia/Seoul)"]
    assert [(r[0], r[3], int(r[7])) for r in rows[1:]] == [(certificate.serial, order.number, order.amount_krw)]
    auth.logout()
    auth.login(stranger)
    sneaky = register_query(today, **{"register-institution": owner.institution_id})
    for fmt in ("csv", "xlsx"):
        assert csv_rows(client.get(f"/buyer/reports/relief-register.{fmt}?{sneaky}"))[1:] == []


def test_the_ministry_names_the_institution_of_a_register(client, make, staff, today):
    order = ReportBuilders(make).purchase()
    ReportBuilders(make).relief_certificate(order)
    query = register_query(today, **{"register-institution": order.institution_id})
    rows = csv_rows(client.get(f"/ministry/reports/relief-register.xlsx?{query}"))
    assert [r[3] for r in rows[1:]] == [order.number]
    assert client.get(f"/ministry/reports/relief-register.csv?{register_query(today)}").status_code == 400


@pytest.mark.parametrize(
    "query", ["register-start=yesterday&register-end=2025-01-01", "register-start=2025-02-01&register-end=2025-01-01"]
)
def test_a_register_without_a_readable_period_is_refused_with_400(client, auth, make, query):
    auth.login(make.user("buyer"))
    response = client.get(f"/buyer/reports/relief-register.csv?{query}")
    assert response.status_code == 400
    assert "text/html" in response.content_type


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_published_round_result_file_shows_the_rounds_page_to_the_won(client, make, language):
    builders = OrderBuilders(make)
    institution = make.institution()
    round_ = builders.published_round(budgets=[(institution, 900_000_000)])
    for amount in (12_345_678, 87_654_321):
        builders.allocation(institution, round_=round_, amount=amount)
    product = make.product()
    db.session.add(
        Application(
            round_id=round_.id,
            company_id=product.company_id,
            product_id=product.id,
            receipt_no=f"RA-WAIT-{product.id}",
            amount_krw=5_000_000,
            status="waitlisted",
            waitlist_position=1,
        )
    )
    db.session.commit()
    client.get(f"/?lang={language}")
    page = client.get(f"/rounds/{round_.code}").get_data(as_text=True)
    after_links = page.split(f"/rounds/{round_.code}/result.xlsx", 1)[1]  # the links sit above the selected table
    selected = [(int(r[1]), r[2], r[3], r[4], won(r[5])) for r in table_rows(after_links)]
    assert len(selected) == 2
    for fmt in ("csv", "xlsx"):
        rows = csv_rows(client.get(f"/rounds/{round_.code}/result.{fmt}"))
        assert [(int(r[2]), r[3], r[4], r[5], int(r[6])) for r in rows[1:] if r[0] not in ("", None)] == selected
        assert [(int(r[1]), int(r[6])) for r in rows[1:] if r[0] in ("", None)] == [(1, 5_000_000)]


def test_a_round_without_a_published_result_has_no_result_file(client, make):
    round_ = OrderBuilders(make).published_round(status="closed")
    assert client.get(f"/rounds/{round_.code}/result.csv").status_code == 404
    assert client.get("/rounds/NO-SUCH/result.xlsx").status_code == 404
