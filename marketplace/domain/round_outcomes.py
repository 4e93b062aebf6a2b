"""What became of a round after its result: the committee's minutes hash, objections by outcome, follow-on
purchases and corrective actions of its orders. Plain values, counted from plain rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .corrective_actions import RESOLVED
from .states import CorrectiveActionState, ObjectionState


@dataclass(frozen=True)
class ObjectionCounts:
    """A round's objections by outcome: awaiting a decision, upheld with the remedy still to record, upheld
    and remedied, dismissed."""

    filed: int = 0
    upheld: int = 0
    remedied: int = 0
    dismissed: int = 0

    @property
    def total(self) -> int:
        return self.filed + self.upheld + self.remedied + self.dismissed


def objection_counts(states: Iterable[tuple[str, int]]) -> ObjectionCounts:
    """Counts by outcome from (state, how many) pairs; a state counted twice adds up."""
    found = {state: 0 for state in ObjectionState}
    for state, count in states:
        found[ObjectionState(state)] += count
    return ObjectionCounts(
        found[ObjectionState.FILED],
        found[ObjectionState.UPHELD],
        found[ObjectionState.REMEDIED],
        found[ObjectionState.DISMISSED],
    )


def corrective_counts(states: Iterable[tuple[str | None, int]]) -> tuple[int, int]:
    """(open, resolved) corrective actions from (state, how many) pairs; None (no action) counts nowhere.
    Resolved are the accepted and the closed (domain/corrective_actions.py RESOLVED)."""
    opened = resolved = 0
    for state, count in states:
        if state is None:
            continue
        if CorrectiveActionState(state) in RESOLVED:
            resolved += count
        else:
            opened += count
    return opened, resolved


@dataclass(frozen=True)
class RoundOutcome:
    """One round's later facts, as the reports page, its export and the purchase report show them."""

    code: str
    title_ko: str
    title_en: str | None
    minutes_sha256: str | None  # None for a round scored without a committee (or not finalised yet)
    objections: ObjectionCounts
    follow_on_count: int = 0
    follow_on_krw: int = 0
    corrective_open: int = 0
    corrective_resolved: int = 0
