"""A purchase report's figures per track: pure functions of plain values, no database.

services/report_tracks.py loads, for each round of the report, each track's applications, selections, budget and
allocations (a round without tracks as one single pool); the amounts ordered and the follow-on rate come from the
report's own order lines. Tracks are listed in TrackKind's order, whatever kinds there are, the single pool last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..domain.follow_ons import FollowOnRate, PilotOutcome, follow_on_rate, is_completed_pilot
from ..domain.states import OrderStatus, TrackKind

SINGLE_POOL = ""  # the track of an application in a round without tracks
NEED_POOL = "need"  # the same in a round made for an institution's need (the demand-driven track)


@dataclass(frozen=True)
class TrackFacts:
    """One track of one round in a report's scope (kind SINGLE_POOL: a round without tracks).

    `applications` counts every application the track received; `selected`, `budget_krw` and `allocated_krw`
    are the report's institution's when it has one."""

    round_code: str
    kind: str
    applications: int
    selected: int
    budget_krw: int
    allocated_krw: int


class TrackLine(Protocol):
    """What the per-track figures read of an order line (reports/summary.py's Line)."""

    track: str
    amount_krw: int
    status: str
    inspection_result: str | None
    institution_code: str
    product_id: int
    follow_ons: int


@dataclass
class TrackRow:
    """A track kind's figures over the rounds of a report."""

    kind: str
    applications: int = 0
    selected: int = 0
    budget_krw: int = 0
    allocated_krw: int = 0
    order_count: int = 0
    ordered_krw: int = 0
    follow_on: FollowOnRate = field(default_factory=lambda: FollowOnRate(0, 0))

    @property
    def execution_pct(self) -> float:
        """The amount ordered as a share of the amount allocated (0 when nothing was allocated)."""
        return 100.0 * self.ordered_krw / self.allocated_krw if self.allocated_krw else 0.0

    @property
    def single_pool(self) -> bool:
        return self.kind == SINGLE_POOL

    @property
    def need_pool(self) -> bool:
        return self.kind == NEED_POOL


def kind_order(kind: str) -> tuple[int, str]:
    """TrackKind's order, then the needs' rounds, then any kind it does not know (by name), then the single pool."""
    kinds = [k.value for k in TrackKind]
    if kind == SINGLE_POOL:
        return len(kinds) + 1, ""
    if kind == NEED_POOL:
        return len(kinds), ""
    return (kinds.index(kind), "") if kind in kinds else (len(kinds), kind)


def track_rows(facts: Iterable[TrackFacts], lines: Sequence[TrackLine]) -> list[TrackRow]:
    """One row per track kind of the report's rounds or orders, the rounds' figures added up per kind, with
    the amount and count of the orders not cancelled and the follow-on rate of the completed pilot orders."""
    rows: dict[str, TrackRow] = {}
    for fact in facts:
        row = rows.setdefault(fact.kind, TrackRow(fact.kind))
        row.applications += fact.applications
        row.selected += fact.selected
        row.budget_krw += fact.budget_krw
        row.allocated_krw += fact.allocated_krw
    for line in lines:
        row = rows.setdefault(line.track, TrackRow(line.track))
        if line.status != OrderStatus.CANCELLED:
            row.order_count += 1
            row.ordered_krw += line.amount_krw
    for kind, row in rows.items():
        row.follow_on = follow_on_rate(
            [
                PilotOutcome(line.institution_code, line.product_id, line.follow_ons > 0)
                for line in lines
                if line.track == kind and is_completed_pilot(line.status, line.inspection_result)
            ]
        )
    return [rows[kind] for kind in sorted(rows, key=kind_order)]


def rows_by_round(facts: Sequence[TrackFacts], ordered: Mapping[tuple[str, str], int]) -> list[tuple[str, TrackRow]]:
    """Each round's tracks (rounds in the order of `facts`, tracks in TrackKind's order), with the amount
    `ordered` on each (by round code and kind): the reports page's table, which reads no order lines."""
    rounds = list(dict.fromkeys(fact.round_code for fact in facts))
    found = []
    for code in rounds:
        for row in track_rows([fact for fact in facts if fact.round_code == code], []):
            row.ordered_krw = ordered.get((code, row.kind), 0)
            found.append((code, row))
    return found
