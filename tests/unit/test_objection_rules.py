"""Objections: the 7-day window in Seoul calendar days at its boundaries, the decision's due date, the steps
allowed, and the reinstatement of a waitlisted application by the draw's allocation rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.domain import objections as rules
from marketplace.domain import selection as s
from marketplace.domain.clock import SEOUL
from marketplace.domain.states import ObjectionState

SECOND = timedelta(seconds=1)


def kst(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL).astimezone(UTC)


def test_the_window_is_open_until_the_last_second_of_the_seventh_seoul_day_after_publication():
    published = kst(2018, 9, 21, 10, 0)
    last = kst(2018, 9, 28, 23, 59, 59)
    assert rules.window_closes_at(published) == kst(2018, 9, 29, 0, 0)
    assert rules.last_day(published) == date(2018, 9, 28)
    assert rules.window_open(published, published)
    assert rules.window_open(published, last)
    assert not rules.window_open(published, last + SECOND)


def test_before_publication_and_with_no_publication_the_window_is_shut():
    published = kst(2018, 9, 21, 10, 0)
    assert not rules.window_open(published, published - SECOND)
    assert not rules.window_open(None, published)
    with pytest.raises(rules.ObjectionRefused, match="only once the round's result is published"):
        rules.check_window(None, published)


@pytest.mark.parametrize(
    ("published", "last_open"),
    [
        # 23:59:59 KST is 14:59:59 UTC the same day: the Seoul day of publication counts
        (kst(2018, 9, 21, 23, 59, 59), kst(2018, 9, 28, 23, 59, 59)),
        # 00:00 KST on the 21st is 15:00 UTC on the 20th: still the Seoul 21st
        (kst(2018, 9, 21, 0, 0), kst(2018, 9, 28, 23, 59, 59)),
        # just before midnight UTC: already 08:59 KST the next Seoul day
        (datetime(2018, 9, 20, 23, 59, tzinfo=UTC), kst(2018, 9, 28, 23, 59, 59)),
        # the window over a month and a year end
        (kst(2018, 12, 25, 12, 0), kst(2019, 1, 1, 23, 59, 59)),
    ],
)
def test_publication_near_midnight_counts_seoul_calendar_days(published, last_open):
    assert rules.window_open(published, last_open)
    assert not rules.window_open(published, last_open + SECOND)


def test_after_the_window_the_refusal_names_the_last_day():
    published = kst(2018, 9, 21, 10, 0)
    rules.check_window(published, kst(2018, 9, 28, 23, 59, 59))
    with pytest.raises(rules.ObjectionRefused, match="closed at the end of 2018-09-28"):
        rules.check_window(published, kst(2018, 9, 29, 0, 0))


def test_the_decision_is_due_a_set_number_of_seoul_days_after_filing_and_overdue_the_day_after():
    filed = kst(2018, 9, 22, 0, 30)  # 2018-09-21 15:30 UTC: the Seoul 22nd
    due = rules.decision_due(filed, 14)
    assert due == date(2018, 10, 6)
    assert not rules.overdue(ObjectionState.FILED, due, due)
    assert rules.overdue(ObjectionState.FILED, due, due + timedelta(days=1))
    assert not rules.overdue(ObjectionState.DISMISSED, due, due + timedelta(days=1))


def test_only_a_filed_objection_is_decided_and_only_an_upheld_one_takes_a_remedy_once():
    rules.check_decidable(ObjectionState.FILED)
    for state in (ObjectionState.UPHELD, ObjectionState.DISMISSED, ObjectionState.REMEDIED):
        with pytest.raises(rules.ObjectionRefused, match="already been decided"):
            rules.check_decidable(state)
    rules.check_remediable(ObjectionState.UPHELD)
    with pytest.raises(rules.ObjectionRefused, match="already been recorded"):
        rules.check_remediable(ObjectionState.REMEDIED)
    for state in (ObjectionState.FILED, ObjectionState.DISMISSED):
        with pytest.raises(rules.ObjectionRefused, match="Only an upheld objection"):
            rules.check_remediable(state)


def _state():
    manifest = s.Manifest(
        "R",
        s.RULE_VERSION,
        (s.PoolInstitution("AAA", 100), s.PoolInstitution("BBB", 50)),
        (s.PoolApplication(1, 1, 50), s.PoolApplication(2, 1, 60), s.PoolApplication(3, 1, 40, ("BBB",))),
    )
    drawn = s.run_draw(manifest, "seed")
    return manifest, replace(drawn, selected=(), waitlist=(2, 3), remaining={"AAA": 70, "BBB": 50})


def test_a_reinstated_application_goes_ahead_of_the_waitlist_by_the_draws_rule():
    manifest, state = _state()
    after, promoted = s.reinstate_from_waitlist(manifest, state, 3)  # 3 prefers BBB only
    assert (promoted.app_id, promoted.institution_code, promoted.amount) == (3, "BBB", 40)
    assert after.waitlist == (2,) and after.remaining == {"AAA": 70, "BBB": 10}
    after, promoted = s.reinstate_from_waitlist(manifest, state, 2)  # the most budget left that covers 60
    assert (promoted.app_id, promoted.institution_code) == (2, "AAA") and after.remaining["AAA"] == 10


def test_a_reinstatement_never_exceeds_a_budget_and_needs_a_waitlisted_application():
    manifest, state = _state()
    after, promoted = s.reinstate_from_waitlist(manifest, replace(state, remaining={"AAA": 59, "BBB": 59}), 2)
    assert promoted is None and after.waitlist == (2, 3)
    with pytest.raises(s.NotSelectedError):
        s.reinstate_from_waitlist(manifest, state, 1)
    with pytest.raises(s.SelectionError):
        s.reinstate_from_waitlist(manifest, replace(state, manifest_sha256="0" * 64), 2)
