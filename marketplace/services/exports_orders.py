"""Exports of the lists behind a login: orders, an MOU's ledger, the audit trail, the audit-relief register, the
purchase report's figures per track.

The caller decides who may read which list (a buyer passes their own institution); each function here
returns the columns and a lazy iterator of rows, in the order the page lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from ..domain.errors import N_, NotFound
from ..domain.privacy import masked
from ..domain.quota import ENTRY_LABELS, SYSTEM_REASONS
from ..domain.reference import AUDIT_ACTIONS, AUDIT_OBJECTS
from ..domain.tracks import TRACK_LABELS
from ..extensions import db
from ..models import AuditEvent, AuditReliefCertificate, Company, Institution, Order, Product, QuotaEntry, User
from ..reports.summary import Scope, iso
from ..reports.track_figures import NEED_POOL, SINGLE_POOL, TrackRow
from . import quota
from .report_data import load_purchase_report, register_scope
from .tables import Column, Table, streamed

ORDER_COLUMNS = (
    Column(N_("Order no.")),
    Column(N_("Contract date"), "date"),
    Column(N_("Recorded at"), "moment"),
    Column(N_("Institution"), "name"),
    Column(N_("Product"), "name"),
    Column(N_("Supplier"), "name"),
    Column(N_("Quantity"), "int"),
    Column(N_("Unit price"), "krw"),
    Column(N_("Amount"), "krw"),
    Column(N_("Status"), "status"),
    Column(N_("Inspection"), "status"),
)


def orders_table(institution_id: int | None, status: str | None) -> Table:
    """Orders newest first (contract date, then number), of one institution or of all (None), of one
    status or of all (None): the buyer's and the ministry's order lists. Raises NotFound for an unknown
    institution."""
    query = (
        select(Order.number, Order.ordered_on, Order.created_at, Institution.name_ko, Institution.name_en)
        .add_columns(Product.name_ko, Product.name_en, Company.name_ko, Company.name_en)
        .add_columns(Order.quantity, Order.unit_price_krw, Order.amount_krw, Order.status, Order.inspection_result)
        .join(Institution, Institution.id == Order.institution_id)
        .join(Product, Product.id == Order.product_id)
        .join(Company, Company.id == Product.company_id)
        .order_by(Order.ordered_on.desc(), Order.id.desc())
    )
    if institution_id is not None:
        query = query.where(Order.institution_id == institution_id)
    if status is not None:
        query = query.where(Order.status == status)
    name = "orders" if institution_id is None else f"orders-{_institution_code(institution_id)}"
    return Table(name, ORDER_COLUMNS, _order_rows(query))


def _institution_code(institution_id: int) -> str:
    code = db.session.scalar(select(Institution.code).where(Institution.id == institution_id))
    if code is None:
        raise NotFound(N_("There is no such institution."))
    return code


def _order_rows(query: Select) -> Iterator[tuple]:
    for number, ordered_on, created_at, i_ko, i_en, p_ko, p_en, c_ko, c_en, *rest in streamed(query):
        yield (number, ordered_on, created_at, (i_ko, i_en), (p_ko, p_en), (c_ko, c_en), *rest)


LEDGER_COLUMNS = (
    Column(N_("Time"), "moment"),
    Column(N_("Entry"), "label", ENTRY_LABELS),
    Column(N_("Amount"), "krw"),
    Column(N_("Balance after"), "krw"),
    Column(N_("Reason"), "label", SYSTEM_REASONS),
)


def ledger_table(mou_id: int) -> Table:
    """An MOU's ledger, oldest entry first; raises NotFound for an unknown MOU."""
    mou = quota.get_mou(mou_id)
    query = (
        select(QuotaEntry.created_at, QuotaEntry.kind, QuotaEntry.amount_krw, QuotaEntry.balance_after)
        .add_columns(QuotaEntry.reason)
        .where(QuotaEntry.mou_id == mou.id)
        .order_by(QuotaEntry.id)
    )
    return Table(f"mou-{mou.number}-ledger", LEDGER_COLUMNS, (tuple(row) for row in streamed(query)))


AUDIT_COLUMNS = (
    Column(N_("Time"), "moment"),
    Column(N_("Who")),
    Column(N_("Role"), "role"),
    Column(N_("Action"), "label", AUDIT_ACTIONS),
    Column(N_("Object"), "label", AUDIT_OBJECTS),
    Column(N_("Object ID"), "int"),
    Column(N_("Before"), "fields"),
    Column(N_("After"), "fields"),
    Column(N_("Reason")),
    Column(N_("Request")),
)


def audit_table(action: str | None, company_id: int | None) -> Table:
    """The audit trail newest first, filtered as services.approvals.audit_page filters it."""
    subject = aliased(User)  # the account an event is about: closed ones show their details blanked
    query = (
        select(AuditEvent.created_at, User.name, AuditEvent.actor_role, AuditEvent.action, AuditEvent.object_type)
        .add_columns(AuditEvent.object_id, AuditEvent.before, AuditEvent.after, AuditEvent.reason)
        .add_columns(AuditEvent.request_id, subject.closed_at)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(subject, (AuditEvent.object_type == "User") & (subject.id == AuditEvent.object_id))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if company_id:
        query = query.where(AuditEvent.company_id == company_id)
    return Table("audit-log", AUDIT_COLUMNS, (_audit_row(tuple(row)) for row in streamed(query)))


def _audit_row(row: tuple) -> tuple:
    """An audit line without its last column (the subject's closing time), masked when it is set."""
    *values, subject_closed_at = row
    if subject_closed_at is not None:
        values[6], values[7] = masked(values[6]), masked(values[7])
    return tuple(values)


REGISTER_COLUMNS = (
    Column(N_("Serial number")),
    Column(N_("Version"), "int"),
    Column(N_("Issued at"), "moment"),
    Column(N_("Order no.")),
    Column(N_("Order date"), "date"),
    Column(N_("Supplier"), "name"),
    Column(N_("Product"), "name"),
    Column(N_("Amount"), "krw"),
    Column(N_("Status"), "status"),
    Column(N_("Revoked at"), "moment"),
    Column(N_("Superseded at"), "moment"),
    Column(N_("Superseded by")),
    Column(N_("PDF SHA-256")),
)


def relief_register_table(institution_id: int | None, start: date, end: date) -> Table:
    """The audit-relief register's lines (services.report_data.load_relief_register) without its line
    limit: every certificate of the institution issued in the period, in the order issued.
    Raises ReportRefused without an institution or dates, or for a period the reports refuse."""
    institution, begin, stop = register_scope(institution_id, start, end)
    certificate, newer = AuditReliefCertificate, aliased(AuditReliefCertificate)
    query = (
        select(certificate.serial, certificate.version, certificate.issued_at, Order.number, Order.ordered_on)
        .add_columns(Company.name_ko, Company.name_en, Product.name_ko, Product.name_en, Order.amount_krw)
        .add_columns(certificate.status, certificate.revoked_at, certificate.superseded_at, newer.serial)
        .add_columns(certificate.pdf_sha256)
        .join(Order, Order.id == certificate.order_id)
        .join(Product, Product.id == Order.product_id)
        .join(Company, Company.id == Product.company_id)
        .outerjoin(newer, newer.id == certificate.superseded_by_id)
        .where(Order.institution_id == institution.id, certificate.issued_at >= begin, certificate.issued_at < stop)
        .order_by(certificate.issued_at, certificate.id)
    )
    name = f"relief-register-{institution.code}-{start.isoformat()}-{end.isoformat()}"
    return Table(name, REGISTER_COLUMNS, _register_rows(query))


def _register_rows(query: Select) -> Iterator[tuple]:
    for serial, version, issued_at, number, ordered_on, c_ko, c_en, p_ko, p_en, *rest in streamed(query):
        yield (serial, version, issued_at, number, ordered_on, (c_ko, c_en), (p_ko, p_en), *rest)


TRACK_NAMES: dict[str, str] = {
    **{str(k): v for k, v in TRACK_LABELS.items()},
    NEED_POOL: N_("Demand-driven track (institutions' needs)"),
    SINGLE_POOL: N_("Single pool (round without tracks)"),
}
TRACK_COLUMNS = (
    Column(N_("Track"), "label", TRACK_NAMES),
    Column(N_("Applications"), "int"),
    Column(N_("Selected"), "int"),
    Column(N_("Track budget"), "krw"),
    Column(N_("Allocated"), "krw"),
    Column(N_("Orders"), "int"),
    Column(N_("Amount ordered"), "krw"),
    Column(N_("Execution rate (%)")),
    Column(N_("Pilot products"), "int"),
    Column(N_("Bought again"), "int"),
    Column(N_("Follow-on rate (%)")),
)


def purchase_report_tracks_table(scope: Scope, today: date) -> Table:
    """The purchase report's per-track rows, as its PDF prints them (services.report_data.load_purchase_report),
    for a CSV or XLSX file. Raises ReportRefused as the report does."""
    report = load_purchase_report(scope, today)
    return Table(
        _tracks_table_name(scope, report.institution), TRACK_COLUMNS, [_track_row(row) for row in report.tracks]
    )


def _track_row(row: TrackRow) -> tuple:
    return (
        row.kind,
        row.applications,
        row.selected,
        row.budget_krw,
        row.allocated_krw,
        row.order_count,
        row.ordered_krw,
        f"{row.execution_pct:.1f}",
        row.follow_on.pilot_products,
        row.follow_on.bought_again,
        f"{row.follow_on.pct:.1f}",
    )


def _tracks_table_name(scope: Scope, institution: Institution | None) -> str:
    who = institution.code if institution else "program"
    return f"purchase-report-tracks-{who}-{scope.round_code or f'{iso(scope.start)}-{iso(scope.end)}'}"
