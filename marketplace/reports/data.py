"""Report presenters: plain data for the purchase report and the audit-relief register, in a few queries."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..domain import quota as quota_rules
from ..domain.clock import seoul_date, seoul_day_bounds
from ..domain.errors import N_, DomainError
from ..domain.states import OrderStatus, ReliefStatus
from ..extensions import db
from ..models import (
    Allocation,
    Application,
    AuditReliefCertificate,
    Certificate,
    Company,
    Institution,
    Mou,
    Order,
    Product,
    QuotaEntry,
    Round,
)

MAX_LINES = 5_000
MAX_RANGE_DAYS = 3 * 366
EXPIRY_WARNING_DAYS = 90


class ReportRefused(DomainError):
    """The report cannot be produced as asked."""


@dataclass(frozen=True)
class Scope:
    """What a report covers: one institution or the whole program, and a date range or a round."""

    institution_id: int | None
    start: date | None = None
    end: date | None = None
    round_code: str | None = None
    language: str = "ko"

    def params(self) -> dict:
        return {
            "institution_id": self.institution_id,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "round": self.round_code,
            "language": self.language,
        }


def check_scope(scope: Scope) -> None:
    """Refuse a range that is inverted or longer than the limit; a round scope needs no dates."""
    if scope.round_code:
        return
    start, end = _dates(scope)
    if end < start:
        raise ReportRefused(N_("The end date is before the start date."))
    if (end - start).days > MAX_RANGE_DAYS:
        raise ReportRefused(N_("A report covers at most three years. Choose a shorter period."))


def _dates(scope: Scope) -> tuple[date, date]:
    """The start and end of a scope without a round; ReportRefused when one is missing."""
    if scope.start is None or scope.end is None:
        raise ReportRefused(N_("Choose a round, or a start and an end date."))
    return scope.start, scope.end


def canonical_json(data) -> str:
    """UTF-8 JSON with sorted keys and no spaces: the text a document hash is taken over."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def sha256_hex(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def supplier_tier(application: Application | None) -> tuple[bool, bool]:
    """(startup, first_timer) as frozen on the application at the round's close."""
    snapshot = (application.snapshot if application else None) or {}
    return bool(snapshot.get("startup")), bool(snapshot.get("first_timer"))


@dataclass
class Line:
    number: str
    ordered_on: date
    institution_code: str
    supplier_ko: str
    supplier_en: str
    product_ko: str
    product_en: str
    certificate_type: str
    certificate_number: str
    certificate_expires_on: date
    quantity: int
    unit_price_krw: int
    amount_krw: int
    status: str
    evaluation: int | None
    startup: bool
    first_timer: bool
    cancel_reason: str = ""
    cancelled_at: datetime | None = None
    recorded_at: datetime | None = None  # when the order was recorded (the contract date is ordered_on)
    late_reason: str = ""  # a late registration's reason; empty when it was not late


@dataclass
class QuotaBar:
    label_ko: str
    label_en: str
    committed_krw: int
    charged_krw: int

    @property
    def remaining_krw(self) -> int:
        return self.committed_krw - self.charged_krw


@dataclass
class Share:
    count: int
    amount_krw: int
    count_pct: float
    amount_pct: float


@dataclass
class PurchaseReport:
    scope: Scope
    institution: Institution | None
    round: Round | None
    period_start: date
    period_end: date
    committed_krw: int
    charged_krw: int
    remaining_krw: int
    order_count: int
    ordered_krw: int
    supplier_count: int
    startups: Share
    first_timers: Share
    bars: list[QuotaBar]
    lines: list[Line]
    cancellations: list[Line]
    not_evaluated: list[Line]
    expiring: list[Line]
    late: list[Line] = field(default_factory=list)
    mou_numbers: list[str] = field(default_factory=list)
    series: list = field(default_factory=list)

    @property
    def utilisation_pct(self) -> float:
        return 100.0 * self.charged_krw / self.committed_krw if self.committed_krw else 0.0

    def canonical(self) -> dict:
        """The data the report is built from, as plain values, for the document hash."""
        return {
            "scope": self.scope.params(),
            "period": [_iso(self.period_start), _iso(self.period_end)],
            "quota": [self.committed_krw, self.charged_krw, self.remaining_krw],
            "mous": self.mou_numbers,
            "bars": [asdict(b) for b in self.bars],
            "lines": [asdict(line) for line in self.lines],
        }

    def shown(self, today: date) -> dict:
        """What the PDF shows beyond canonical(): names, the usage series, the day its lists were drawn up on."""
        institution, round_ = self.institution, self.round
        return {
            "today": _iso(today),
            "series": [asdict(point) for point in self.series],
            "institution": (institution.code, institution.name_ko, institution.name_en) if institution else None,
            "round": (round_.code, round_.title_ko, round_.title_en) if round_ else None,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


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


def load_purchase_report(scope: Scope, today: date) -> PurchaseReport:
    """Gather everything a purchase report shows; ReportRefused beyond MAX_LINES order lines."""
    check_scope(scope)
    round_ = _resolve_round(scope)
    institution = db.session.get(Institution, scope.institution_id) if scope.institution_id else None
    query = _order_query(scope, round_)
    count = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if count > MAX_LINES:
        raise ReportRefused(
            N_(
                "The report would have %(count)s order lines; the limit is %(limit)s. "
                "Choose a shorter period or one institution."
            ),
            count=f"{count:,}",
            limit=f"{MAX_LINES:,}",
        )
    orders = (
        db.session.scalars(
            query.options(
                contains_eager(Order.product).contains_eager(Product.company),
                contains_eager(Order.institution),
                contains_eager(Order.certificate).joinedload(Certificate.type),
                contains_eager(Order.allocation).contains_eager(Allocation.application),
                joinedload(Order.evaluation),
            ).order_by(Order.ordered_on, Order.number)
        )
        .unique()
        .all()
    )
    lines = [_line(order) for order in orders]
    if round_ is not None:
        start = seoul_date(round_.opens_at)
        end = max([today, *(line.ordered_on for line in lines)])
    else:
        start, end = _dates(scope)
    mous, bars, series = _quota(scope.institution_id, start, end)
    live = [line for line in lines if line.status != OrderStatus.CANCELLED]
    ordered = sum(line.amount_krw for line in live)
    return PurchaseReport(
        scope=scope,
        institution=institution,
        round=round_,
        period_start=start,
        period_end=end,
        committed_krw=sum(b.committed_krw for b in bars),
        charged_krw=sum(b.charged_krw for b in bars),
        remaining_krw=sum(b.remaining_krw for b in bars),
        order_count=len(live),
        ordered_krw=ordered,
        supplier_count=len({(line.supplier_ko, line.supplier_en) for line in live}),
        startups=_share([line for line in live if line.startup], len(live), ordered),
        first_timers=_share([line for line in live if line.first_timer], len(live), ordered),
        bars=bars,
        lines=lines,
        cancellations=[line for line in lines if line.status == OrderStatus.CANCELLED],
        not_evaluated=[line for line in live if line.evaluation is None],
        expiring=[
            line for line in live if today <= line.certificate_expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS)
        ],
        late=[line for line in lines if line.late_reason],
        mou_numbers=[m.number for m in mous],
        series=series,
    )


def _line(order: Order) -> Line:
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
    )


def _share(subset: list[Line], total_count: int, total_amount: int) -> Share:
    amount = sum(line.amount_krw for line in subset)
    return Share(
        count=len(subset),
        amount_krw=amount,
        count_pct=100.0 * len(subset) / total_count if total_count else 0.0,
        amount_pct=100.0 * amount / total_amount if total_amount else 0.0,
    )


def _quota(institution_id: int | None, start: date, end: date) -> tuple[list[Mou], list[QuotaBar], list]:
    """MOUs in scope (period overlapping the report's), their ledger figures and the use-over-time series.

    Figures come from the ledger through the same domain functions as the quota dashboards
    (domain.quota.summarize / usage_series), as of now, so the report and the dashboards agree to the won.
    One bar per MOU for an institution, per institution for the program.
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
    entries: dict[int, list[quota_rules.Entry]] = {m.id: [] for m in mous}
    if mous:
        rows = db.session.execute(
            select(QuotaEntry.mou_id, QuotaEntry.kind, QuotaEntry.amount_krw, QuotaEntry.created_at)
            .where(QuotaEntry.mou_id.in_(list(entries)))
            .order_by(QuotaEntry.id)
        )
        for mou_id, kind, amount, created_at in rows:
            entries[mou_id].append(quota_rules.Entry(kind, amount, seoul_date(created_at)))
    bars: dict[int, QuotaBar] = {}
    for mou in mous:
        summary = quota_rules.summarize(entries[mou.id])
        key = mou.id if institution_id is not None else mou.institution_id
        label = (
            (mou.number, mou.number)
            if institution_id is not None
            else (mou.institution.name_ko, mou.institution.name_en or mou.institution.name_ko)
        )
        bar = bars.setdefault(key, QuotaBar(label[0], label[1], 0, 0))
        bar.committed_krw += summary.committed
        bar.charged_krw += summary.charged
    series = quota_rules.usage_series([e for mou_entries in entries.values() for e in mou_entries])
    return list(mous), list(bars.values()), series


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
            "period": [_iso(self.start), _iso(self.end)],
            "entries": [asdict(e) for e in self.entries],
        }

    def shown(self) -> dict:
        """What the PDF shows beyond canonical(): the institution's names."""
        return {"institution": [self.institution.name_ko, self.institution.name_en]}


def load_relief_register(institution_id: int, start: date, end: date, language: str = "ko") -> ReliefRegister:
    """Every audit-relief certificate of the institution issued between start and end (KST days), every
    version and status (valid, superseded with its successor, revoked), in the order they were issued."""
    if start is None or end is None:  # the register has no round to choose instead
        raise ReportRefused(N_("Enter a start and an end date."))
    check_scope(Scope(institution_id, start, end))
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        raise ReportRefused(N_("Choose an institution."))
    begin, stop = seoul_day_bounds(start, end)
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
    count = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if count > MAX_LINES:
        raise ReportRefused(
            N_("The register would have %(count)s lines; the limit is %(limit)s. Choose a shorter period."),
            count=f"{count:,}",
            limit=f"{MAX_LINES:,}",
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
