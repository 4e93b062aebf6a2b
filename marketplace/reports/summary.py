"""Purchase report figures from plain order lines and ledger entries: pure functions, no database.

services/report_data.py loads the rows and turns them into the plain values here; everything a purchase report
adds up, counts or picks out is computed below, so it can be tested without an app or a database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..domain import quota as quota_rules
from ..domain.errors import N_, DomainError
from ..domain.follow_ons import FollowOnRate, PilotOutcome, follow_on_rate, follow_on_rates, is_completed_pilot
from ..domain.round_outcomes import RoundOutcome, corrective_counts
from ..domain.states import OrderStatus
from .track_figures import TrackFacts, TrackRow, track_rows

if TYPE_CHECKING:
    from ..models import Institution, Round

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
            "start": iso(self.start),
            "end": iso(self.end),
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


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class Line:
    number: str
    ordered_on: date
    institution_code: str
    supplier_ko: str
    supplier_en: str
    product_ko: str
    product_en: str
    certificate_type: str  # the type's code; printed by its name in the report's language
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
    certificate_type_ko: str = ""
    certificate_type_en: str = ""
    product_id: int = 0
    inspection_result: str | None = None
    follow_ons: int = 0  # follow-on purchases of this pilot order that were not cancelled, when generated
    follow_on_krw: int = 0  # and their amount
    corrective_action: str | None = None  # the state of the corrective action opened on this order, if any
    round_code: str = ""  # the round whose allocation the order rests on
    track: str = ""  # the kind of the application's track; empty in a round without tracks (its single pool)


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


@dataclass(frozen=True)
class MouLedger:
    """One MOU in a report's scope with its ledger entries (dated by their Seoul day), as plain values."""

    mou_id: int
    number: str
    institution_id: int
    institution_ko: str
    institution_en: str
    entries: tuple[quota_rules.Entry, ...] = ()


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
    follow_on: FollowOnRate = field(default_factory=lambda: FollowOnRate(0, 0))
    follow_on_by_institution: dict[int | str, FollowOnRate] = field(default_factory=dict)
    rounds: list[RoundOutcome] = field(default_factory=list)  # the rounds of the report's orders
    follow_on_count: int = 0
    follow_on_krw: int = 0
    corrective_open: int = 0
    corrective_resolved: int = 0
    tracks: list[TrackRow] = field(default_factory=list)  # per track kind, the single pool last

    @property
    def utilisation_pct(self) -> float:
        return 100.0 * self.charged_krw / self.committed_krw if self.committed_krw else 0.0

    def canonical(self) -> dict:
        """The data the report is built from, as plain values, for the document hash."""
        return {
            "scope": self.scope.params(),
            "period": [iso(self.period_start), iso(self.period_end)],
            "quota": [self.committed_krw, self.charged_krw, self.remaining_krw],
            "mous": self.mou_numbers,
            "bars": [asdict(b) for b in self.bars],
            "lines": [asdict(line) for line in self.lines],
            "rounds": [round_facts(outcome) for outcome in self.rounds],
            "tracks": [asdict(row) for row in self.tracks],
        }

    def shown(self, today: date) -> dict:
        """What the PDF shows beyond canonical(): names, the usage series, the day its lists were drawn up on."""
        institution, round_ = self.institution, self.round
        return {
            "today": iso(today),
            "series": [asdict(point) for point in self.series],
            "institution": (institution.code, institution.name_ko, institution.name_en) if institution else None,
            "round": (round_.code, round_.title_ko, round_.title_en) if round_ else None,
            "round_titles": [(o.code, o.title_ko, o.title_en) for o in self.rounds],
        }


def round_facts(outcome: RoundOutcome) -> dict:
    """What the report prints of a round beyond its titles: hashed with the report's data."""
    return {"code": outcome.code, "minutes_sha256": outcome.minutes_sha256, "objections": asdict(outcome.objections)}


def purchase_report(
    scope: Scope,
    institution: Institution | None,
    round_: Round | None,
    period: tuple[date, date],
    lines: list[Line],
    ledgers: Sequence[MouLedger],
    today: date,
    rounds: Sequence[RoundOutcome] = (),
    tracks: Sequence[TrackFacts] = (),
) -> PurchaseReport:
    """The purchase report of `lines` (in report order) and the scope's MOU ledgers, as of `today`, with the
    committee and objection facts of `rounds` (the rounds of the lines) and the figures of their `tracks`.

    Cancelled orders are listed but count nowhere else; the quota figures are the ledgers' as of now.
    Follow-on purchases and corrective actions count on the orders that were not cancelled.
    """
    bars = quota_bars(ledgers, per_mou=scope.institution_id is not None)
    live = live_lines(lines)
    outcomes = pilot_outcomes(lines)
    corrective_open, corrective_resolved = corrective_counts((line.corrective_action, 1) for line in live)
    return PurchaseReport(
        scope=scope,
        institution=institution,
        round=round_,
        period_start=period[0],
        period_end=period[1],
        committed_krw=sum_of(bars, "committed_krw"),
        charged_krw=sum_of(bars, "charged_krw"),
        remaining_krw=sum_of(bars, "remaining_krw"),
        order_count=len(live),
        ordered_krw=sum_of(live, "amount_krw"),
        supplier_count=supplier_count(live),
        startups=share(live, lambda line: line.startup),
        first_timers=share(live, lambda line: line.first_timer),
        bars=bars,
        lines=lines,
        cancellations=cancelled_lines(lines),
        not_evaluated=not_evaluated_lines(live),
        expiring=expiring_lines(live, today),
        late=late_lines(lines),
        mou_numbers=[ledger.number for ledger in ledgers],
        series=usage_series(ledgers),
        follow_on=follow_on_rate(outcomes),
        follow_on_by_institution=dict(sorted(follow_on_rates(outcomes).items(), key=lambda item: str(item[0]))),
        rounds=list(rounds),
        follow_on_count=sum_of(live, "follow_ons"),
        follow_on_krw=sum_of(live, "follow_on_krw"),
        corrective_open=corrective_open,
        corrective_resolved=corrective_resolved,
        tracks=track_rows(tracks, lines),
    )


def report_period(scope: Scope, round_opened_on: date | None, lines: Sequence[Line], today: date) -> tuple[date, date]:
    """A round's report runs from the day the round opened to today or its last order, whichever is later;
    a date-range report covers its range."""
    if round_opened_on is None:
        return _dates(scope)
    return round_opened_on, max([today, *(line.ordered_on for line in lines)])


def pilot_outcomes(lines: Sequence[Line]) -> list[PilotOutcome]:
    """The completed pilot orders among `lines` (goods accepted at inspection, not cancelled), by institution
    code, and whether each has a follow-on purchase: what the follow-on rate is computed from."""
    return [
        PilotOutcome(line.institution_code, line.product_id, line.follow_ons > 0)
        for line in lines
        if is_completed_pilot(line.status, line.inspection_result)
    ]


def sum_of(items: Sequence, attribute: str) -> int:
    return sum(getattr(item, attribute) for item in items)


def live_lines(lines: Sequence[Line]) -> list[Line]:
    """The orders that were not cancelled: the only ones counted in the figures."""
    return [line for line in lines if line.status != OrderStatus.CANCELLED]


def cancelled_lines(lines: Sequence[Line]) -> list[Line]:
    return [line for line in lines if line.status == OrderStatus.CANCELLED]


def not_evaluated_lines(lines: Sequence[Line]) -> list[Line]:
    return [line for line in lines if line.evaluation is None]


def late_lines(lines: Sequence[Line]) -> list[Line]:
    """Orders registered late (a reason was given), cancelled or not."""
    return [line for line in lines if line.late_reason]


def expiring_lines(lines: Sequence[Line], today: date) -> list[Line]:
    """Orders whose certificate expires between today and EXPIRY_WARNING_DAYS from now, both included."""
    last = today + timedelta(days=EXPIRY_WARNING_DAYS)
    return [line for line in lines if today <= line.certificate_expires_on <= last]


def supplier_count(lines: Sequence[Line]) -> int:
    """Distinct suppliers, told apart by their Korean and English names."""
    return len({(line.supplier_ko, line.supplier_en) for line in lines})


def share(lines: Sequence[Line], belongs: Callable[[Line], bool]) -> Share:
    """How many of `lines` belong to a tier, and their amount, also as percentages of all of `lines` (0 of none)."""
    subset = [line for line in lines if belongs(line)]
    amount, total_amount = sum_of(subset, "amount_krw"), sum_of(lines, "amount_krw")
    return Share(
        count=len(subset),
        amount_krw=amount,
        count_pct=100.0 * len(subset) / len(lines) if lines else 0.0,
        amount_pct=100.0 * amount / total_amount if total_amount else 0.0,
    )


def quota_bars(ledgers: Sequence[MouLedger], *, per_mou: bool) -> list[QuotaBar]:
    """Ledger figures (domain.quota.summarize, as the quota dashboards) summed into bars: one per MOU
    (labelled with its number) for an institution's report, one per institution for the program's."""
    bars: dict[int, QuotaBar] = {}
    for ledger in ledgers:
        summary = quota_rules.summarize(ledger.entries)
        bar = bars.setdefault(*_bar_key_and_label(ledger, per_mou))
        bar.committed_krw += summary.committed
        bar.charged_krw += summary.charged
    return list(bars.values())


def _bar_key_and_label(ledger: MouLedger, per_mou: bool) -> tuple[int, QuotaBar]:
    if per_mou:
        return ledger.mou_id, QuotaBar(ledger.number, ledger.number, 0, 0)
    return ledger.institution_id, QuotaBar(ledger.institution_ko, ledger.institution_en or ledger.institution_ko, 0, 0)


def usage_series(ledgers: Sequence[MouLedger]) -> list[quota_rules.UsagePoint]:
    """Committed and charged over time, over every entry of the ledgers (domain.quota.usage_series), from
    the first day quota was used: the commitments before it (an MOU signed years earlier) are the level
    the chart starts from, not years of empty axis."""
    entries = [entry for ledger in ledgers for entry in ledger.entries]
    first_use = min((e.day for e in entries if e.day is not None and e.kind not in quota_rules.COMMITTED), default=None)
    return quota_rules.usage_series(entries, since=first_use)
