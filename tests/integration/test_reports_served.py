"""A report asked again with nothing in it changed is sent again as it was, without rendering it anew."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.domain.hashing import sha256_hex
from marketplace.extensions import db
from marketplace.models import ReportDocument
from marketplace.reports import documents as rendering
from marketplace.services import report_data as data
from marketplace.services import report_documents as documents
from marketplace.services.served_reports import ServedReports
from tests.builders_reports import ReportBuilders


@pytest.fixture
def renders(app, monkeypatch):
    """Count renders; a cheap stand-in PDF that differs with the HTML (each document ID is new)."""
    app.config["REPORTS_RENDER_IN_PROCESS"] = True
    count = []

    def counted(html, config=None, **_kw):
        count.append(1)
        return b"%PDF-1.7 " + str(hash(html)).encode()

    monkeypatch.setattr(rendering, "render_pdf", counted)
    return count


@pytest.fixture
def water(app, make):
    b = ReportBuilders(make)
    institution = make.institution(code="KWATER", name_ko="한국수자원공사", name_en="K-water")
    buyer = make.user("buyer", institution=institution, name="김구매")
    order = b.purchase(buyer, ordered_on=date(2018, 10, 5))
    return b, buyer, order


def _report(buyer, language="en"):
    scope = data.Scope(buyer.institution_id, date(2018, 1, 1), date(2018, 12, 31), language=language)
    return documents.purchase_report(buyer, scope)


def _stored() -> int:
    return db.session.scalar(select(func.count(ReportDocument.id)))


def test_the_same_report_asked_twice_is_the_same_document_rendered_and_recorded_once(water, renders):
    _b, buyer, _order = water
    first, second = _report(buyer), _report(buyer)
    assert (second.document_id, second.pdf) == (first.document_id, first.pdf)
    assert len(renders) == 1 and _stored() == 1


def test_a_new_order_in_the_period_makes_a_new_document(water, renders):
    b, buyer, order = water
    first = _report(buyer)
    b.order(buyer, order.mou, order.allocation, ordered_on=date(2018, 11, 2))
    second = _report(buyer)
    assert second.document_id != first.document_id and len(renders) == 2 and _stored() == 2


def test_another_language_or_another_person_gets_a_document_of_their_own(water, renders, make):
    _b, buyer, _order = water
    colleague = make.user("buyer", institution=buyer.institution, name="박구매")
    documents_ = {_report(buyer).document_id, _report(buyer, "ko").document_id, _report(colleague).document_id}
    assert len(documents_) == 3 and len(renders) == 3


def test_a_renamed_institution_makes_a_new_document(water, renders):
    _b, buyer, _order = water
    first = _report(buyer)
    buyer.institution.name_en = "Korea Water Resources Corporation"
    db.session.commit()
    assert _report(buyer).document_id != first.document_id


def test_the_store_keeps_the_most_recently_served_within_its_bytes():
    store = ServedReports(max_bytes=10)
    one, two, three = (documents.Document(f"{n}.pdf", b"x" * 4, str(n)) for n in range(3))
    store.put("one", one)
    store.put("two", two)
    assert store.get("one") is one  # served again: now the most recent
    store.put("three", three)
    assert store.get("two") is None and store.get("one") is one and store.get("three") is three
    store.put("big", documents.Document("big.pdf", b"x" * 11, "big"))
    assert store.get("big") is None


def test_the_pdf_is_sent_with_its_sha256_as_etag(app, water, renders, client, auth):
    _b, buyer, _order = water
    auth.login(buyer)
    query = {
        "purchase-start": "2018-01-01",
        "purchase-end": "2018-12-31",
        "purchase-language": "en",
        "purchase-round": "",
    }
    first = client.get("/buyer/reports/purchase-report.pdf", query_string=query)
    second = client.get("/buyer/reports/purchase-report.pdf", query_string=query)
    assert first.status_code == 200 and first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["ETag"].strip('"') == sha256_hex(first.data)
