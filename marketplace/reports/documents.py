"""Report use cases: build the data, render the PDF, record what was served (ReportDocument + audit event)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app, render_template
from flask_babel import force_locale

from ..database import begin_write
from ..domain.clock import seoul_date
from ..domain.reference import STATUS_LABELS
from ..extensions import db
from ..models import ReportDocument, User
from ..services.audit import record_event
from .data import (
    canonical_json,
    load_purchase_report,
    load_relief_register,
    sha256_hex,
)
from .render import render_pdf
from .served import served_reports
from .summary import Scope


@dataclass(frozen=True)
class Document:
    filename: str
    pdf: bytes
    document_id: str


def _document_id(now: datetime) -> str:
    return f"RPT-{seoul_date(now):%Y%m%d}-{secrets.token_hex(4).upper()}"


def safe_name(text: str) -> str:
    """Letters (Hangul included), digits, dot and dash survive; anything else becomes one underscore."""
    return re.sub(r"[^\w.\-]+", "_", text, flags=re.UNICODE).strip("_")[:80] or "report"


def _finish(
    actor: User,
    kind: str,
    params: dict,
    data_sha256: str,
    shown: dict,
    template: str,
    filename: str,
    language: str,
    now: datetime,
    **context,
) -> Document:
    """The document served before for the same content (reports/served.py), or render one, then store the
    ReportDocument row and the audit event in one short write transaction.

    `shown` is everything the PDF shows beyond the data hashed in data_sha256 (names, date-dependent lists).
    """
    key = (
        kind,
        actor.id,
        actor.name,
        language,
        sha256_hex(canonical_json({"params": params, "data": data_sha256, "shown": shown})),
    )
    served = served_reports()
    document = served.get(key)
    if document is not None:
        return Document(filename, document.pdf, document.document_id)
    document_id = _document_id(now)
    with force_locale(language):
        html = render_template(
            template,
            document_id=document_id,
            data_sha256=data_sha256,
            generated_at=now,
            generated_by=actor,
            language=language,
            status_labels=STATUS_LABELS,
            **context,
        )
    pdf = render_pdf(html, current_app.config)
    actor_id = actor.id
    begin_write()  # only after rendering: the lock is held for the two inserts, not for the PDF
    actor = db.session.get(User, actor_id)
    row = ReportDocument(
        document_id=document_id,
        kind=kind,
        params={**params, "data_sha256": data_sha256},
        sha256=sha256_hex(pdf),
        generated_by_id=actor_id,
        generated_at=now,
    )
    db.session.add(row)
    record_event(
        actor,
        "report.generated",
        row,
        institution_id=params.get("institution_id"),
        after={"kind": kind, "document_id": document_id, "sha256": row.sha256},
    )
    db.session.commit()
    document = Document(filename, pdf, document_id)
    served.put(key, document)
    return document


def _period_label(scope: Scope) -> str:
    return scope.round_code or f"{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"


def purchase_report(actor: User, scope: Scope, *, now: datetime | None = None) -> Document:
    """The purchase report PDF for `scope`; raises ReportRefused (from data) for a scope beyond the limits."""
    now = now or datetime.now(UTC)
    today = seoul_date(now)
    report = load_purchase_report(scope, today)
    data_sha256 = sha256_hex(canonical_json(report.canonical()))
    if scope.language == "ko":
        who = report.institution.name_ko if report.institution else "사업전체"
        filename = f"구매실적보고서_{safe_name(who)}_{_period_label(scope)}.pdf"
    else:
        who = report.institution.code if report.institution else "program"
        filename = f"purchase-report_{safe_name(who)}_{_period_label(scope)}.pdf"
    return _finish(
        actor,
        "purchase_report",
        scope.params(),
        data_sha256,
        report.shown(today),
        "reports/purchase_report.html",
        filename,
        scope.language,
        now,
        r=report,
    )


def relief_register(
    actor: User, institution_id: int, start: date, end: date, language: str, *, now: datetime | None = None
) -> Document:
    """The audit-relief register PDF of one institution; raises ReportRefused beyond the limits."""
    now = now or datetime.now(UTC)
    register = load_relief_register(institution_id, start, end, language)
    data_sha256 = sha256_hex(canonical_json(register.canonical()))
    stem = "감사면책확인서대장" if language == "ko" else "audit-relief-register"
    who = register.institution.name_ko if language == "ko" else register.institution.code
    filename = f"{stem}_{safe_name(who)}_{start:%Y%m%d}-{end:%Y%m%d}.pdf"
    params = {
        "institution_id": institution_id,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "language": language,
    }
    return _finish(
        actor,
        "relief_register",
        params,
        data_sha256,
        register.shown(),
        "reports/relief_register.html",
        filename,
        language,
        now,
        reg=register,
    )
