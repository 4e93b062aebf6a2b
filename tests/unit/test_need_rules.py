"""The demand-driven track's rules: the need's checks, the deadline minute in Seoul, the shortlist, the choice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from marketplace.domain.clock import seoul_instant
from marketplace.domain.needs import (
    Candidate,
    Decision,
    NeedError,
    NeedInput,
    check_need,
    check_note,
    check_shortlist,
    choose,
    current_status,
    need_number,
    outcome_statuses,
    takes_proposals,
)
from marketplace.domain.reference import CATEGORIES
from marketplace.domain.states import NeedStatus, ProposalStatus

POSTED = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
# 18:00 KST on 16 March is 09:00 UTC that day
DEADLINE = seoul_instant(datetime(2026, 3, 16).date(), time(18, 0))


def need(**kw) -> NeedInput:
    values = dict(
        title=" 수질 센서 ",
        problem=" 탁도 측정 ",
        quantity=10,
        budget_krw=30_000_000,
        category="electronics",
        deadline_at=DEADLINE,
    )
    values.update(kw)
    return NeedInput(**values)


def test_a_valid_need_comes_back_with_its_texts_stripped():
    checked = check_need(need(), POSTED, CATEGORIES)
    assert (checked.title, checked.problem) == ("수질 센서", "탁도 측정")


@pytest.mark.parametrize(
    "change",
    [
        {"title": " "},
        {"title": "가" * 201},
        {"problem": ""},
        {"quantity": 0},
        {"quantity": 1_000_001},
        {"budget_krw": 0},
        {"budget_krw": 10**15 + 1},
        {"category": "weapons"},
        {"deadline_at": POSTED},
    ],
)
def test_a_need_out_of_bounds_is_refused(change):
    with pytest.raises(NeedError):
        check_need(need(**change), POSTED, CATEGORIES)


def test_the_deadline_is_a_seoul_wall_clock_minute():
    assert datetime(2026, 3, 16, 9, 0, tzinfo=UTC) == DEADLINE


def test_proposals_are_taken_through_the_whole_deadline_minute_and_not_after():
    assert takes_proposals(POSTED, DEADLINE, DEADLINE + timedelta(seconds=59, microseconds=999_999))
    assert not takes_proposals(POSTED, DEADLINE, DEADLINE + timedelta(minutes=1))


def test_an_open_need_past_its_deadline_reads_as_shortlisting_and_other_states_stay():
    after = DEADLINE + timedelta(minutes=1)
    assert current_status(NeedStatus.OPEN, POSTED, DEADLINE, DEADLINE) == NeedStatus.OPEN
    assert current_status(NeedStatus.OPEN, POSTED, DEADLINE, after) == NeedStatus.SHORTLISTING
    for stored in (NeedStatus.EVALUATING, NeedStatus.WITHDRAWN, NeedStatus.SELECTED, NeedStatus.CLOSED):
        assert current_status(stored, POSTED, DEADLINE, after) == stored


def test_the_shortlist_needs_a_decision_with_a_reason_for_every_proposal_and_no_other():
    decided = check_shortlist([Decision(1, True, " 사양 충족 "), Decision(2, False, "가격")], {1, 2})
    assert decided[1].reason == "사양 충족" and not decided[2].shortlisted
    for decisions in (
        [Decision(1, True, "좋음")],
        [Decision(1, True, "좋음"), Decision(2, False, "  ")],
        [Decision(1, True, "좋음"), Decision(2, False, "가격"), Decision(3, True, "다른 수요")],
        [Decision(1, True, "좋음"), Decision(1, False, "두 번"), Decision(2, False, "가격")],
    ):
        with pytest.raises(NeedError):
            check_shortlist(decisions, {1, 2})


def test_a_note_is_required_and_short():
    assert check_note(" 센서 ") == "센서"
    for note in ("", " ", "가" * 2001):
        with pytest.raises(NeedError):
            check_note(note)


def test_the_best_score_at_or_above_the_pass_mark_wins_and_a_tie_goes_to_the_first_proposal():
    candidates = [Candidate(3, Decimal("80.50")), Candidate(1, Decimal("80.50")), Candidate(2, Decimal("90"))]
    assert choose(candidates, 70) == 2
    assert choose(candidates[:2], 70) == 1
    assert choose([Candidate(1, Decimal("70.00")), Candidate(2, None)], 70) == 1
    assert choose([Candidate(1, Decimal("69.99")), Candidate(2, None)], 70) is None


def test_the_outcome_marks_the_chosen_proposal_selected_and_the_others_not():
    assert outcome_statuses([1, 2], 2) == {1: ProposalStatus.NOT_SELECTED, 2: ProposalStatus.SELECTED}
    assert outcome_statuses([1], None) == {1: ProposalStatus.NOT_SELECTED}


def test_a_need_number_names_its_year_and_id():
    assert need_number(2026, 17) == "N-2026-000017"
