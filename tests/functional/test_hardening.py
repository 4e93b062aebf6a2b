"""Hardening: a new company's upload allowance, private downloads, 405's Allow, server-made request ids in logs."""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from types import SimpleNamespace

import pytest

from marketplace.extensions import db
from marketplace.logs import RequestContextFilter
from marketplace.models import Certificate, StoredFile
from tests.builders_reports import ReportBuilders
from tests.builders_supplier import PDF, certificate_form, sign_in
from tests.factories import DEFAULT_PASSWORD

MB = 1024 * 1024
NEW = "/supplier/certificates/new"
MULTIPART = "multipart/form-data"
OUR_ID = re.compile(r"[0-9a-f]{16}")


def _scan(content: bytes = PDF, size: int | None = None, name: str = "scan.pdf") -> StoredFile:
    """A stored scan; `size` may claim more bytes than `content` holds (only the recorded size counts)."""
    return StoredFile(
        storage_name=uuid.uuid4().hex,
        original_name=name,
        content_type="application/pdf",
        size=len(content) if size is None else size,
        sha256=hashlib.sha256(content).hexdigest(),
        data=content,
    )


def _supplier_of(client, make, status: str, language: str = "en"):
    user = make.user("supplier", company=make.company(status=status))
    sign_in(client, user, language)
    return user


def _upload(client, make, number: str):
    return client.post(
        NEW, data=certificate_form(make.certificate_type("EPC").id, number=number), content_type=MULTIPART
    )


# --- a company not yet approved may upload only a few scans ---------------------------------------------


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_a_company_not_yet_approved_cannot_upload_a_sixth_certificate(client, make, status):
    user = _supplier_of(client, make, status)
    for n in range(5):
        make.certificate(user.company, file=_scan(name=f"held-{n}.pdf"), status="pending")
    response = _upload(client, make, "EPC-SIXTH")
    assert response.status_code == 400
    assert b"Until your company is approved, the number of certificates it can upload is limited to 5." in response.data
    assert db.session.query(Certificate).count() == 5 and db.session.query(StoredFile).count() == 5


def test_a_company_not_yet_approved_can_upload_up_to_the_fifth(client, make):
    user = _supplier_of(client, make, "pending")
    for n in range(4):
        make.certificate(user.company, file=_scan(name=f"held-{n}.pdf"), status="pending")
    assert _upload(client, make, "EPC-FIFTH").status_code == 302
    assert db.session.query(Certificate).count() == 5


def test_a_company_not_yet_approved_cannot_pass_the_total_size_in_korean_either(app, client, make):
    user = _supplier_of(client, make, "pending", language="ko")
    make.certificate(user.company, file=_scan(size=30 * MB - 10), status="pending")
    response = _upload(client, make, "EPC-BIG")
    assert response.status_code == 400
    assert "인증서 스캔본을 합계 30 MB까지만 올릴 수 있습니다".encode() in response.data
    assert db.session.query(Certificate).count() == 1 and db.session.query(StoredFile).count() == 1


def test_the_allowance_is_configurable(app, client, make):
    app.config.update(UNAPPROVED_MAX_CERTIFICATES=2, UNAPPROVED_MAX_UPLOAD_BYTES=MB)
    user = _supplier_of(client, make, "pending")
    make.certificate(user.company, file=_scan(size=MB - len(PDF) + 1), status="pending")
    response = _upload(client, make, "EPC-OVER")
    assert response.status_code == 400 and b"may total at most 1 MB" in response.data
    user.company.certificates[0].file.size = MB - len(PDF)
    db.session.commit()
    assert _upload(client, make, "EPC-FITS").status_code == 302
    response = _upload(client, make, "EPC-THIRD")
    assert response.status_code == 400 and b"is limited to 2" in response.data


def test_an_approved_company_uploads_more_than_the_allowance(client, make):
    user = _supplier_of(client, make, "approved")
    for n in range(5):
        make.certificate(user.company, file=_scan(size=10 * MB, name=f"held-{n}.pdf"), status="verified")
    assert _upload(client, make, "EPC-SIXTH").status_code == 302
    assert db.session.query(Certificate).count() == 6


# --- private downloads: no cache keeps them, safe names; public files stay cacheable ---------------------


def test_a_certificate_scan_is_sent_no_store_under_a_safe_name(client, make):
    user = _supplier_of(client, make, "approved")
    certificate = make.certificate(user.company, file=_scan(name='..\\..\\evil"; x=1\t.exe.pdf'))
    response = client.get(f"/supplier/certificates/{certificate.id}/file")
    assert response.status_code == 200 and response.data == PDF
    assert "no-store" in response.headers["Cache-Control"] and "ETag" not in response.headers
    # no path, no quote, no control character, no second parameter; the real extension last
    assert response.headers["Content-Disposition"] == 'attachment; filename="evil x=1.exe.pdf"'


def test_an_issued_audit_relief_certificate_is_sent_no_store(client, auth, make):
    builders = ReportBuilders(make)
    order = builders.purchase()
    certificate = builders.relief_certificate(order)
    auth.login(order.buyer)
    response = client.get(f"/buyer/orders/{order.id}/certificate.pdf")
    assert response.status_code == 200 and response.data == certificate.pdf
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Disposition"] == f"attachment; filename={certificate.serial}.pdf"


@pytest.mark.parametrize(
    "path, builder, query",
    [
        (
            "/buyer/reports/purchase-report.pdf",
            "purchase_report",
            {"purchase-start": "2018-01-01", "purchase-end": "2018-12-31", "purchase-language": "en"},
        ),
        (
            "/buyer/reports/relief-register.pdf",
            "relief_register",
            {"register-start": "2018-01-01", "register-end": "2018-12-31", "register-language": "en"},
        ),
    ],
)
def test_reports_are_sent_no_store_under_a_safe_name(client, auth, make, monkeypatch, path, builder, query):
    from marketplace.services import report_documents as documents

    fake = SimpleNamespace(pdf=b"%PDF-1.7 report\n", filename='report "2018"\r\n/..\\x.pdf')
    monkeypatch.setattr(documents, builder, lambda *args, **kwargs: fake)
    auth.login(make.user("buyer"))
    response = client.get(path, query_string=query)
    assert response.status_code == 200 and response.data == fake.pdf
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Disposition"] == 'attachment; filename="report 2018..x.pdf"'


def test_the_published_manifest_and_static_files_stay_cacheable(client, make):
    round_ = ReportBuilders(make).round()
    manifest = client.get(f"/rounds/{round_.code}/manifest.json")
    assert manifest.status_code == 200
    assert "no-store" not in manifest.headers.get("Cache-Control", "")
    static = client.get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


# --- 405 says what is allowed ---------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_405_names_the_allowed_methods(client, accept):
    response = client.delete("/login", headers={"Accept": accept})
    assert response.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert response.mimetype == accept


# --- request ids: ours, on every log line with the user id ---------------------------------------------


def _records(caplog, name: str):
    return [r for r in caplog.records if r.name == name]


def test_the_request_id_is_ours_and_a_clients_is_only_logged_sanitised(client, caplog):
    caplog.set_level(logging.INFO, logger="marketplace")
    caplog.clear()
    response = client.get("/healthz", headers={"X-Request-Id": "chosen<script>" + "z" * 100})
    ours = response.headers["X-Request-Id"]
    assert OUR_ID.fullmatch(ours) and "chosen" not in ours
    (line,) = _records(caplog, "marketplace.access")
    assert line.request_id == ours and line.user_id == "-"
    assert line.getMessage().startswith("GET /healthz 200 ")
    assert line.getMessage().endswith("client_request_id=" + ("chosenscript" + "z" * 100)[:64])


def test_each_access_line_carries_the_request_and_user_ids(client, make, caplog):
    user = _supplier_of(client, make, "approved")
    caplog.set_level(logging.INFO, logger="marketplace")
    caplog.clear()
    response = client.get("/supplier/certificates")
    (line,) = _records(caplog, "marketplace.access")
    assert line.request_id == response.headers["X-Request-Id"] and line.user_id == str(user.id)
    assert re.fullmatch(r"GET /supplier/certificates 200 \d+\.\dms client_request_id=-", line.getMessage())


def test_signing_in_logs_the_new_user_on_that_requests_line(client, make, caplog):
    user = make.user("supplier")
    caplog.set_level(logging.INFO, logger="marketplace")
    caplog.clear()
    client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    (line,) = _records(caplog, "marketplace.access")
    assert line.getMessage().startswith("POST /login 302 ") and line.user_id == str(user.id)


def test_a_500_is_logged_with_both_ids_and_its_page_shows_the_request_id(app, client, make, caplog):
    user = _supplier_of(client, make, "approved")

    def broken():
        raise RuntimeError("boom")

    app.view_functions["health"] = broken
    caplog.set_level(logging.INFO, logger="marketplace")
    caplog.clear()
    response = client.get("/healthz", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert response.status_code == 500
    rid = response.headers["X-Request-Id"]
    assert f"quote the reference {rid}".encode() in response.data
    (error,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.exc_info and error.request_id == rid and error.user_id == str(user.id)
    (line,) = _records(caplog, "marketplace.access")
    assert line.getMessage().startswith("GET /healthz 500 ") and line.request_id == rid


def test_the_apps_log_handler_prints_both_ids(client, make, caplog):
    handlers = [
        h
        for h in logging.getLogger("marketplace").handlers
        if any(isinstance(f, RequestContextFilter) for f in h.filters)
    ]
    assert len(handlers) == 1
    user = _supplier_of(client, make, "approved")
    caplog.set_level(logging.INFO, logger="marketplace")
    caplog.clear()
    response = client.get("/supplier/certificates")
    (line,) = _records(caplog, "marketplace.access")
    text = handlers[0].format(line)
    assert f"request_id={response.headers['X-Request-Id']} user_id={user.id} GET /supplier/certificates" in text


def test_outside_a_request_records_say_dash():
    record = logging.LogRecord("marketplace.test", logging.INFO, __file__, 1, "hello", None, None)
    RequestContextFilter().filter(record)
    assert record.request_id == "-" and record.user_id == "-"
