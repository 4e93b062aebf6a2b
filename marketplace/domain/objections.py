"""Objections to a round's published result: the filing window, the decision's due date, the steps allowed.

The window, exactly: an objection may be filed from the moment the result is published until 23:59:59 KST
of the 7th Seoul calendar day after the Seoul day of publication (published 2018-09-21 at any hour KST:
open until 2018-09-28 23:59:59 KST, closed from 2018-09-29 00:00:00 KST). Half-open in code: open while
published_at <= at < the start of the 8th day after, 00:00 KST.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .clock import seoul_date, seoul_instant
from .errors import N_, DomainError
from .states import ObjectionState

WINDOW_DAYS = 7


class ObjectionRefused(DomainError):
    """This objection cannot be filed, decided or remedied (the message says why)."""


def window_closes_at(published_at: datetime) -> datetime:
    """The first instant (UTC) at which objections are no longer taken: 00:00 KST of the 8th Seoul day after
    the Seoul day of publication, i.e. just after 23:59:59 KST of the 7th day."""
    return seoul_instant(seoul_date(published_at) + timedelta(days=WINDOW_DAYS + 1), time.min)


def last_day(published_at: datetime) -> date:
    """The last Seoul calendar day on which an objection may be filed."""
    return seoul_date(published_at) + timedelta(days=WINDOW_DAYS)


def window_open(published_at: datetime | None, at: datetime) -> bool:
    """Whether an objection may be filed at `at` to a result published at `published_at` (None: not yet)."""
    return published_at is not None and published_at <= at < window_closes_at(published_at)


def check_window(published_at: datetime | None, at: datetime) -> None:
    """Raise ObjectionRefused unless the result is published and its objection window is open at `at`."""
    if published_at is None or at < published_at:
        raise ObjectionRefused(N_("Objections are taken only once the round's result is published."))
    if not window_open(published_at, at):
        raise ObjectionRefused(
            N_("Objections to this round closed at the end of %(day)s (23:59:59 KST), 7 days after publication."),
            day=last_day(published_at).isoformat(),
        )


def decision_due(filed_at: datetime, days: int) -> date:
    """The Seoul day by which staff must decide an objection filed at `filed_at`: `days` calendar days later."""
    return seoul_date(filed_at) + timedelta(days=days)


def overdue(state: str, due_on: date, today: date) -> bool:
    """A filed objection not decided by its due date (today, in Seoul, is later than the due day)."""
    return state == ObjectionState.FILED and today > due_on


def check_decidable(state: str) -> None:
    """Only a filed objection can be decided, once."""
    if state != ObjectionState.FILED:
        raise ObjectionRefused(N_("This objection has already been decided."))


def check_remediable(state: str) -> None:
    """Only an upheld objection takes a remedy, once."""
    if state == ObjectionState.REMEDIED:
        raise ObjectionRefused(N_("A remedy has already been recorded for this objection."))
    if state != ObjectionState.UPHELD:
        raise ObjectionRefused(N_("Only an upheld objection takes a remedy."))
