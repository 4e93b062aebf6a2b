"""The report forms: ids of their own, a label for every field, and a fiscal-year default that downloads."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from marketplace.domain.clock import fiscal_year
from tests.page_forms import read_page


def test_the_fiscal_year_is_the_calendar_year():
    assert fiscal_year(date(2018, 7, 14)) == (date(2018, 1, 1), date(2018, 12, 31))
    assert fiscal_year(date(2024, 2, 29)) == (date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def fake_documents(monkeypatch):
    """Record what each report was asked for instead of rendering a PDF."""
    from marketplace.services import report_documents as documents

    asked = {}

    def fake(kind):
        def build(*args, **kwargs):
            asked[kind] = args
            return SimpleNamespace(pdf=b"%PDF-1.7 report\n", filename=f"{kind}.pdf")

        return build

    monkeypatch.setattr(documents, "purchase_report", fake("purchase"))
    monkeypatch.setattr(documents, "relief_register", fake("register"))
    return asked


@pytest.mark.parametrize("role", ["buyer", "ministry"])
def test_the_report_page_has_unique_ids_and_a_label_for_every_field(client, auth, make, role):
    user = make.user(role, institution=make.institution()) if role == "buyer" else make.user(role)
    auth.login(user)
    page = read_page(client.get(f"/{role}/reports").get_data(as_text=True))
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert duplicates == []
    for action in ("purchase-report.pdf", "relief-register.pdf"):
        form = page.form(action)
        assert page.unlabelled(form) == []
        assert {"start", "end", "language"} <= {c.name.split("-", 1)[-1] for c in form.controls}


@pytest.mark.parametrize("role", ["buyer", "ministry"])
def test_each_form_as_shown_downloads_this_fiscal_years_report(client, auth, make, fake_documents, role, today):
    institution = make.institution()
    user = make.user(role, institution=institution) if role == "buyer" else make.user(role)
    auth.login(user, language="en")
    page = read_page(client.get(f"/{role}/reports").get_data(as_text=True))
    first, last = fiscal_year(today)
    purchase = page.form("purchase-report.pdf")
    assert purchase.values()["purchase-start"] == first.isoformat()
    assert purchase.values()["purchase-end"] == last.isoformat()
    response = client.get(purchase.action, query_string=purchase.values())
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    scope = fake_documents["purchase"][1]
    assert (scope.start, scope.end, scope.round_code, scope.language) == (first, last, None, "en")
    register = page.form("relief-register.pdf")
    response = client.get(register.action, query_string=register.values())
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert fake_documents["register"][2:] == (first, last, "en")


def test_the_fiscal_year_follows_the_seoul_date(client, auth, make, monkeypatch):
    from marketplace.services import clock

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2018, 12, 31, 15, 30, tzinfo=UTC))  # 00:30 KST
    auth.login(make.user("ministry"))
    values = read_page(client.get("/ministry/reports").get_data(as_text=True)).form("relief-register.pdf").values()
    assert (values["register-start"], values["register-end"]) == ("2019-01-01", "2019-12-31")


def test_the_language_defaults_to_the_readers_and_each_form_keeps_its_own_choice(client, auth, make, fake_documents):
    auth.login(make.user("ministry"), language="ko")
    page = read_page(client.get("/ministry/reports").get_data(as_text=True))
    values = page.form("relief-register.pdf").values()
    assert values["register-language"] == "ko"
    institution = make.institution()
    values.update({"register-language": "en", "register-institution": str(institution.id)})
    assert client.get("/ministry/reports/relief-register.pdf", query_string=values).status_code == 200
    assert fake_documents["register"][1] == institution.id and fake_documents["register"][-1] == "en"


@pytest.mark.parametrize("emptied", ["register-start", "register-end"])
def test_a_register_without_a_date_names_the_date_not_a_round(client, auth, make, fake_documents, emptied):
    auth.login(make.user("ministry"), language="en")
    values = read_page(client.get("/ministry/reports").get_data(as_text=True)).form("relief-register.pdf").values()
    values.update({emptied: "", "register-institution": str(make.institution().id)})
    response = client.get("/ministry/reports/relief-register.pdf", query_string=values)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter a start and an end date." in text
    assert "Choose a round" not in text and "register" not in fake_documents


def test_the_register_data_refuses_a_missing_date_without_naming_a_round(app, make):
    from marketplace.services import report_data as data

    with pytest.raises(data.ReportRefused, match="Enter a start and an end date"):
        data.load_relief_register(make.institution().id, None, date(2018, 12, 31))
