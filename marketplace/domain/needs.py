"""The demand-driven track's rules without I/O: an institution's need, suppliers' proposals, the shortlist
and the choice of the selected proposal.

An institution posts a need (problem, quantity, budget, proposal deadline, product category). Proposals are
taken through the whole deadline minute (Seoul time), like a round's window (rounds.window_state). From the
deadline the institution decides each proposal, shortlisted or not, each with a reason, and sends the
shortlist to the ministry, whose committee scores it; the best score at or above the pass mark is selected.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .errors import N_, DomainError
from .money import MAX_KRW
from .rounds import window_state
from .states import NeedStatus, ProposalStatus, WindowState

MAX_TITLE = 200
MAX_TEXT = 4000
MAX_NOTE = 2000
MAX_REASON = 2000
MAX_QUANTITY = 1_000_000
NEED_PASS_MARK = 70  # the committee's pass mark for a need's shortlist, the programme's usual mark


class NeedError(DomainError):
    """The need, the proposal or the shortlist breaks the demand-driven track's rules."""


@dataclass(frozen=True)
class NeedInput:
    """What an institution types to post a need; the deadline is a UTC instant of a Seoul minute."""

    title: str
    problem: str
    quantity: int
    budget_krw: int
    category: str
    deadline_at: datetime


@dataclass(frozen=True)
class Decision:
    """The institution's decision on one proposal: shortlisted or not, and why."""

    proposal_id: int
    shortlisted: bool
    reason: str


@dataclass(frozen=True)
class Candidate:
    """A shortlisted proposal after the committee: its committee score (None when it was not scored)."""

    proposal_id: int
    score: Decimal | None


def check_need(data: NeedInput, now: datetime, categories: Collection[str]) -> NeedInput:
    """The need with its texts stripped; raises NeedError for an empty or long text, a quantity or budget
    out of range, an unknown category or a deadline that is not after `now`."""
    title, problem = _checked_texts(data.title, data.problem)
    if not 1 <= data.quantity <= MAX_QUANTITY:
        raise NeedError(N_("Enter a quantity from 1 to %(maximum)s."), maximum=f"{MAX_QUANTITY:,}")
    if not 1 <= data.budget_krw <= MAX_KRW:
        raise NeedError(N_("Enter a budget of 1 won or more."))
    if data.category not in categories:
        raise NeedError(N_("Choose the product category of the need."))
    if data.deadline_at <= now:
        raise NeedError(N_("The proposal deadline must be later than now."))
    return NeedInput(title, problem, data.quantity, data.budget_krw, data.category, data.deadline_at)


def _checked_texts(title: str, problem: str) -> tuple[str, str]:
    title, problem = (title or "").strip(), (problem or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise NeedError(N_("Give the need a title of at most %(count)s characters."), count=MAX_TITLE)
    if not problem or len(problem) > MAX_TEXT:
        raise NeedError(N_("Describe the problem in at most %(count)s characters."), count=MAX_TEXT)
    return title, problem


def takes_proposals(posted_at: datetime, deadline_at: datetime, now: datetime) -> bool:
    """Whether proposals are taken at `now`: from the posting through the whole deadline minute."""
    return window_state(posted_at, deadline_at, now) == WindowState.OPEN


def current_status(stored: str, posted_at: datetime, deadline_at: datetime, now: datetime) -> NeedStatus:
    """The need's status as the pages show it: an open need whose deadline has passed is shortlisting."""
    if stored == NeedStatus.OPEN and not takes_proposals(posted_at, deadline_at, now):
        return NeedStatus.SHORTLISTING
    return NeedStatus(stored)


def require_status(status: str, allowed: Collection[NeedStatus], message: str) -> None:
    """Raises NeedError with `message` unless the need's (current) status is one of `allowed`."""
    if status not in allowed:
        raise NeedError(message)


def check_note(note: str) -> str:
    """A proposal's note, stripped; required, at most MAX_NOTE characters."""
    note = (note or "").strip()
    if not note or len(note) > MAX_NOTE:
        raise NeedError(N_("Write a short note of at most %(count)s characters."), count=MAX_NOTE)
    return note


def check_reason(reason: str) -> str:
    """A reason (shortlisting, withdrawal), stripped; required, at most MAX_REASON characters."""
    reason = (reason or "").strip()
    if not reason:
        raise NeedError(N_("Give the reason."))
    if len(reason) > MAX_REASON:
        raise NeedError(N_("Write at most %(count)s characters."), count=MAX_REASON)
    return reason


def check_shortlist(decisions: Sequence[Decision], submitted: Collection[int]) -> dict[int, Decision]:
    """The decisions by proposal id, reasons stripped. Raises NeedError unless there is exactly one decision
    for each submitted proposal (no other), each with its reason."""
    by_id: dict[int, Decision] = {}
    for decision in decisions:
        if decision.proposal_id not in submitted or decision.proposal_id in by_id:
            raise NeedError(N_("The shortlist names a proposal that is not one of this need's."))
        reason = check_reason(decision.reason)
        by_id[decision.proposal_id] = Decision(decision.proposal_id, decision.shortlisted, reason)
    if missing := len(set(submitted) - by_id.keys()):
        raise NeedError(N_("Decide every proposal, with a reason: %(count)s are not decided."), count=missing)
    return by_id


def choose(candidates: Sequence[Candidate], pass_mark: int) -> int | None:
    """The selected proposal's id: the highest committee score at or above the pass mark; equal scores go
    to the proposal made first (the lowest proposal id). None when no score reaches the mark."""
    passing = [c for c in candidates if c.score is not None and c.score >= pass_mark]
    if not passing:
        return None
    return min(passing, key=lambda c: (-(c.score or 0), c.proposal_id)).proposal_id


def outcome_statuses(shortlisted: Collection[int], chosen: int | None) -> Mapping[int, ProposalStatus]:
    """Each shortlisted proposal's status once the committee's selection is made."""
    return {p: ProposalStatus.SELECTED if p == chosen else ProposalStatus.NOT_SELECTED for p in shortlisted}


def need_number(year: int, need_id: int) -> str:
    """A need's public number, e.g. N-2026-000017 (also the code of the round that evaluates it)."""
    return f"N-{year}-{need_id:06d}"
