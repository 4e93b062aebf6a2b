"""Report loaders: the rows a purchase report or the audit-relief register needs, in a few queries.

The purchase report's figures are computed from the loaded lines and ledgers by reports/summary.py
(pure functions of plain values); services/report_documents.py renders and records the documents.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..domain import quota as quota_rules
from ..domain.clock import seoul_date, seoul_day_bounds
from ..domain.errors import N_
from ..domain.states import FollowOnStatus, ReliefStatus
from ..extensions import db
from ..models import (
    Allocation,
    Application,
    AuditReliefCertificate,
    Certificate,
    Company,
    CorrectiveAction,
    FollowOnPurchase,
    Institution,
    Mou,
    Order,
    Product,
    QuotaEntry,
    Round,
)
from ..reports.summary import (
    Line,
    MouLedger,
    PurchaseReport,
    ReportRefused,
    Scope,
    check_scope,
    iso,
    purchase_report,
    report_period,
)
from .report_tracks import track_facts, track_kinds
from .round_outcomes import round_outcomes

MAX_LINES = 5_000


def supplier_tier(application: Application | None) -> tuple[bool, bool]:
    """(startup, first_timer) as frozen on the application at the round's close."""
    snapshot = (application.snapshot if application else None) or {}
    return bool(snapshot.get("startup")), bool(snapshot.get("first_timer"))


def _refuse_beyond_limit(query, message: str) -> None:
    """ReportRefused with `message` when `query` has more than MAX_LINES rows."""
    count = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if count > MAX_LINES:
        raise ReportRefused(message, count=f"{count:,}", limit=f"{MAX_LINES:,}")


def load_purchase_report(scope: Scope, today: date) -> PurchaseReport:
    """Gather everything a purchase report shows; ReportRefused beyond MAX_LINES order lines."""
    check_scope(scope)
    round_ = _resolve_round(scope)
    institution = db.session.get(Institution, scope.institution_id) if scope.institution_id else None
    lines = _load_lines(scope, round_)
    period = report_period(scope, seoul_date(round_.opens_at) if round_ else None, lines, today)
    ledgers = _load_ledgers(scope.institution_id, *period)
    codes = [round_.code] if round_ else sorted({line.round_code for line in lines})
    rounds = round_outcomes(codes) if codes else []
    tracks = track_facts(codes, scope.institution_id) if codes else []
    return purchase_report(scope, institution, round_, period, lines, ledgers, today, rounds, tracks)


def purchase_report_lines(scope: Scope) -> int:
    """How many order lines the scope's purchase report would have (ReportRefused for a bad scope)."""
    check_scope(scope)
    query = _order_query(scope, _resolve_round(scope))
    return db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def _order_query(scope: Scope, round_: Round | None):
    query = (
        select(Order)
        .join(Order.product)
        .join(Product.company)
        .join(Order.certificate)
        .join(Order.allocation)
        .join(Allocation.application)
        .join(Order.institution)
    )
    if scope.institution_id is not None:
        query = query.where(Order.institution_id == scope.institution_id)
    if round_ is not None:
        query = query.where(Allocation.round_id == round_.id)
    else:
        query = query.where(Order.ordered_on.between(scope.start, scope.end))
    return query


def _resolve_round(scope: Scope) -> Round | None:
    if not scope.round_code:
        return None
    round_ = db.session.scalar(select(Round).where(Round.code == scope.round_code))
    if round_ is None:
        raise ReportRefused(N_("There is no round %(code)s."), code=scope.round_code)
    return round_


def _load_lines(scope: Scope, round_: Round | None) -> list[Line]:
    """The scope's orders as report lines, by contract date and number."""
    query = _order_query(scope, round_)
    _refuse_beyond_limit(
        query,
        N_(
            "The report would have %(count)s order lines; the limit is %(limit)s. "
            "Choose a shorter period or one institution."
        ),
    )
    follow_ons = _follow_on_counts(query)
    actions = _corrective_states(query)
    codes = _round_codes(query)
    kinds = track_kinds(query.with_only_columns(Allocation.round_id))
    orders = db.session.scalars(
        query.options(
            contains_eager(Order.product).contains_eager(Product.company),
            contains_eager(Order.institution),
            contains_eager(Order.certificate).joinedload(Certificate.type),
            contains_eager(Order.allocation).contains_eager(Allocation.application),
            joinedload(Order.evaluation),
        ).order_by(Order.ordered_on, Order.number)
    ).unique()
    lines = []
    for order in orders:
        line = _line(order, *follow_ons.get(order.id, (0, 0)))
        line.corrective_action, line.round_code = actions.get(order.id), codes[order.allocation.round_id]
        line.track = kinds.of(order.allocation.round_id, order.allocation.application.track_id)
        lines.append(line)
    return lines


def _follow_on_counts(order_query) -> dict[int, tuple[int, int]]:
    """How many follow-on purchases (not cancelled) each order of the query has, and their amount; one query."""
    rows = db.session.execute(
        select(FollowOnPurchase.order_id, func.count(), func.sum(FollowOnPurchase.amount_krw))
        .where(
            FollowOnPurchase.order_id.in_(order_query.with_only_columns(Order.id)),
            FollowOnPurchase.status == FollowOnStatus.RECORDED,
        )
        .group_by(FollowOnPurchase.order_id)
    )
    return {order_id: (int(count), int(amount)) for order_id, count, amount in rows}


def _corrective_states(order_query) -> dict[int, str]:
    """The state of the corrective action of each order of the query that has one; one query."""
    rows = db.session.execute(
        select(CorrectiveAction.order_id, CorrectiveAction.state).where(
            CorrectiveAction.order_id.in_(order_query.with_only_columns(Order.id))
        )
    )
    return {order_id: state for order_id, state in rows}


def _round_codes(order_query) -> dict[int, str]:
    """The code of every round the query's orders rest on, by round id; one query."""
    round_ids = order_query.with_only_columns(Allocation.round_id)
    return {row.id: row.code for row in db.session.execute(select(Round.id, Round.code).where(Round.id.in_(round_ids)))}


def _line(order: Order, follow_ons: int = 0, follow_on_krw: int = 0) -> Line:
    startup, first_timer = supplier_tier(order.allocation.application)
    company, product, certificate = order.product.company, order.product, order.certificate
    return Line(
        number=order.number,
        ordered_on=order.ordered_on,
        institution_code=order.institution.code,
        supplier_ko=company.name_ko,
        supplier_en=company.name_en,
        product_ko=product.name_ko,
        product_en=product.name_en,
        certificate_type=certificate.type.code,
        certificate_type_ko=certificate.type.name_ko,
        certificate_type_en=certificate.type.name_en,
        certificate_number=certificate.number,
        certificate_expires_on=certificate.expires_on,
        quantity=order.quantity,
        unit_price_krw=order.unit_price_krw,
        amount_krw=order.amount_krw,
        status=order.status,
        evaluation=order.evaluation.overall if order.evaluation else None,
        startup=startup,
        first_timer=first_timer,
        cancel_reason=order.cancel_reason or "",
        cancelled_at=order.cancelled_at,
        recorded_at=order.created_at,
        late_reason=order.late_reason or "",
        product_id=order.product_id,
        inspection_result=order.inspection_result,
        follow_ons=follow_ons,
        follow_on_krw=follow_on_krw,
    )


def _load_ledgers(institution_id: int | None, start: date, end: date) -> list[MouLedger]:
    """MOUs in scope (period overlapping the report's) with their ledger entries, by institution code and number.

    Figures come from the ledger through the same domain functions as the quota dashboards
    (domain.quota.summarize / usage_series), as of now, so the report and the dashboards agree to the won.
    """
    query = (
        select(Mou)
        .join(Mou.institution)
        .options(contains_eager(Mou.institution))
        .where(Mou.starts_on <= end, Mou.ends_on >= start)
        .order_by(Institution.code, Mou.number)
    )
    if institution_id is not None:
        query = query.where(Mou.institution_id == institution_id)
    mous = db.session.scalars(query).all()
    entries = _ledger_entries([mou.id for mou in mous])
    return [
        MouLedger(
            mou.id, mou.number, mou.institution_id, mou.institution.name_ko, mou.institution.name_en, entries[mou.id]
        )
        for mou in mous
    ]


def _ledger_entries(mou_ids: list[int]) -> dict[int, tuple[quota_rules.Entry, ...]]:
    """Per MOU, its ledger entries in the order they were written, dated by their Seoul day."""
    entries: dict[int, list[quota_rules.Entry]] = {mou_id: [] for mou_id in mou_ids}
    if mou_ids:
        rows = db.session.execute(
            select(QuotaEntry.mou_id, QuotaEntry.kind, QuotaEntry.amount_krw, QuotaEntry.created_at)
            .where(QuotaEntry.mou_id.in_(mou_ids))
            .order_by(QuotaEntry.id)
        )
        for mou_id, kind, amount, created_at in rows:
            entries[mou_id].append(quota_rules.Entry(kind, amount, seoul_date(created_at)))
    return {mou_id: tuple(found) for mou_id, found in entries.items()}


@dataclass
class RegisterEntry:
    serial: str
    version: int
    issued_at: datetime
    order_number: str
    ordered_on: date
    supplier_ko: str
    product_ko: str
    amount_krw: int
    status: str
    revoked_at: datetime | None
    superseded_at: datetime | None
    superseded_by: str | None
    pdf_sha256: str


@dataclass
class ReliefRegister:
    institution: Institution
    start: date
    end: date
    entries: list[RegisterEntry]
    language: str = "ko"

    @property
    def valid_count(self) -> int:
        return sum(1 for e in self.entries if e.status == ReliefStatus.VALID)

    @property
    def valid_amount_krw(self) -> int:
        return sum(e.amount_krw for e in self.entries if e.status == ReliefStatus.VALID)

    def canonical(self) -> dict:
        return {
            "institution": self.institution.code,
            "period": [iso(self.start), iso(self.end)],
            "entries": [asdict(e) for e in self.entries],
        }

    def shown(self) -> dict:
        """What the PDF shows beyond canonical(): the institution's names."""
        return {"institution": [self.institution.name_ko, self.institution.name_en]}


def register_scope(institution_id: int | None, start: date, end: date) -> tuple[Institution, datetime, datetime]:
    """The register's institution and the UTC bounds of its KST days; ReportRefused without them."""
    if start is None or end is None:  # the register has no round to choose instead
        raise ReportRefused(N_("Enter a start and an end date."))
    check_scope(Scope(institution_id, start, end))
    institution = db.session.get(Institution, institution_id) if institution_id is not None else None
    if institution is None:
        raise ReportRefused(N_("Choose an institution."))
    begin, stop = seoul_day_bounds(start, end)
    return institution, begin, stop


def load_relief_register(institution_id: int | None, start: date, end: date, language: str = "ko") -> ReliefRegister:
    """Every audit-relief certificate of the institution issued between start and end (KST days), every
    version and status (valid, superseded with its successor, revoked), in the order they were issued."""
    institution, begin, stop = register_scope(institution_id, start, end)
    newer = aliased(AuditReliefCertificate)
    query = (
        select(AuditReliefCertificate, Order, Company.name_ko, Product.name_ko, newer.serial)
        .join(AuditReliefCertificate.order)
        .join(Order.product)
        .join(Product.company)
        .outerjoin(newer, newer.id == AuditReliefCertificate.superseded_by_id)
        .where(
            Order.institution_id == institution_id,
            AuditReliefCertificate.issued_at >= begin,
            AuditReliefCertificate.issued_at < stop,
        )
        .order_by(AuditReliefCertificate.issued_at, AuditReliefCertificate.id)
    )
    _refuse_beyond_limit(
        query, N_("The register would have %(count)s lines; the limit is %(limit)s. Choose a shorter period.")
    )
    entries = [
        RegisterEntry(
            serial=c.serial,
            version=c.version,
            issued_at=c.issued_at,
            order_number=o.number,
            ordered_on=o.ordered_on,
            supplier_ko=supplier,
            product_ko=product,
            amount_krw=o.amount_krw,
            status=c.status,
            revoked_at=c.revoked_at,
            superseded_at=c.superseded_at,
            superseded_by=newer_serial,
            pdf_sha256=c.pdf_sha256,
        )
        for c, o, supplier, product, newer_serial in db.session.execute(query)
    ]
    return ReliefRegister(institution, start, end, entries, language)
