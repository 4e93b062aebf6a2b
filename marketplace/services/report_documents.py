"""Report use cases: build the data, render the PDF, record what was served (ReportDocument + audit event)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from ..database import begin_write
from ..domain.clock import seoul_date
from ..domain.hashing import canonical_json, sha256_hex
from ..domain.states import RoundStatus
from ..extensions import db
from ..models import Institution, ReportDocument, Round, User
from ..reports.documents import render_document
from ..reports.summary import Scope
from .audit import record_event
from .report_data import load_purchase_report, load_relief_register
from .served_reports import served_reports


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
    within: Callable[[Document], None] | None = None,
    **context,
) -> Document:
    """The document served before for the same content (services/served_reports.py), or render one, then store the
    ReportDocument row and the audit event in one short write transaction.

    `shown` is everything the PDF shows beyond the data hashed in data_sha256 (names, date-dependent lists).
    `within` (a background job's) always renders anew and is called inside that transaction, before its commit,
    with the document: it writes the job's own state beside the report's, or raises to write nothing.
    """
    key = (
        kind,
        actor.id,
        actor.name,
        language,
        sha256_hex(canonical_json({"params": params, "data": data_sha256, "shown": shown})),
    )
    served = served_reports()
    document = served.get(key) if within is None else None
    if document is not None:
        return Document(filename, document.pdf, document.document_id)
    document_id = _document_id(now)
    pdf = render_document(
        template,
        language,
        document_id=document_id,
        data_sha256=data_sha256,
        generated_at=now,
        generated_by=actor,
        **context,
    )
    actor_id = actor.id
    begin_write()  # only after rendering: the lock is held for the two inserts, not for the PDF
    actor = db.session.get_one(User, actor_id)
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
    document = Document(filename, pdf, document_id)
    if within is not None:
        within(document)
    db.session.commit()
    served.put(key, document)
    return document


def _period_label(scope: Scope) -> str:
    return scope.round_code or f"{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"


def purchase_report(
    actor: User,
    scope: Scope,
    *,
    now: datetime | None = None,
    within: Callable[[Document], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Document:
    """The purchase report PDF for `scope`; raises ReportRefused (from data) for a scope beyond the limits.

    A background job passes `within` (see _finish) and `progress`, told when the data is loaded."""
    now = now or datetime.now(UTC)
    today = seoul_date(now)
    report = load_purchase_report(scope, today)
    if progress is not None:
        progress(30)
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
        within,
        r=report,
    )


def relief_register(
    actor: User, institution_id: int | None, start: date, end: date, language: str, *, now: datetime | None = None
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


def report_rounds() -> list:
    """(code, title_ko, title_en) of the published rounds, newest first: what a purchase report may cover."""
    return list(
        db.session.execute(
            select(Round.code, Round.title_ko, Round.title_en)
            .where(Round.status == RoundStatus.PUBLISHED)
            .order_by(Round.opens_at.desc())
        )
    )


def report_institutions() -> list:
    """(id, code, name_ko, name_en) of every institution by code: whom ministry staff may report on."""
    return list(
        db.session.execute(
            select(Institution.id, Institution.code, Institution.name_ko, Institution.name_en).order_by(
                Institution.code
            )
        )
    )
