"""The committee's rules: the trimmed mean at its boundaries, and declare-before-score, recusal and finality."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from marketplace.domain import committee as rules

AT = datetime(2018, 9, 20, 1, 0, tzinfo=UTC)


def test_nobody_scored_gives_no_committee_score():
    assert rules.committee_score([]) is None


def test_one_member_scores_alone():
    assert rules.committee_score([73]) == Decimal("73.00")


def test_four_members_are_averaged_without_leaving_anyone_out():
    assert rules.committee_score([10, 70, 80, 100]) == Decimal("65.00")
    assert rules.trimmed_out([10, 70, 80, 100]) == (None, None)


def test_five_members_leave_out_the_single_highest_and_the_single_lowest():
    assert rules.committee_score([10, 70, 80, 90, 100]) == Decimal("80.00")
    assert rules.trimmed_out([10, 70, 80, 90, 100]) == (10, 100)


def test_ties_at_the_top_and_bottom_leave_out_only_one_of_each():
    assert rules.committee_score([60, 60, 80, 90, 90]) == Decimal("76.67")
    assert rules.committee_score([70, 70, 70, 70, 70]) == Decimal("70.00")


def test_the_mean_is_rounded_half_up_to_two_decimals():
    assert rules.committee_score([70, 70, 71]) == Decimal("70.33")
    assert rules.committee_score([69, 70, 70]) == Decimal("69.67")
    assert rules.committee_score([1, 2, 2, 2, 2, 2, 2, 2, 3]) == Decimal("2.00")
    assert rules.committee_score([0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1]) == Decimal("0.89")  # 8/9 = 0.888...


def test_recused_members_are_not_counted_so_four_scorers_of_five_are_not_trimmed():
    rows = [(None, True), (10, False), (70, False), (80, False), (100, False)]
    totals = [total for total, recused in rows if not recused and total is not None]
    assert rules.committee_score(totals) == Decimal("65.00")


def test_hundredths_round_trip():
    assert rules.to_hundredths(Decimal("76.67")) == 7667
    assert rules.from_hundredths(7667) == Decimal("76.67")
    assert rules.from_hundredths(7000) == 70


def test_a_score_equal_to_the_pass_mark_passes_and_a_hundredth_below_does_not():
    assert rules.passes(Decimal("70.00"), 70)
    assert not rules.passes(Decimal("69.99"), 70)
    assert not rules.passes(None, 0)


def test_a_member_scores_only_after_declaring():
    with pytest.raises(rules.CommitteeError, match="Declare"):
        rules.require_may_score(rules.MemberStanding(None, None, False))
    rules.require_may_score(rules.MemberStanding(AT, None, False))


def test_a_recused_member_cannot_score_nor_declare():
    with pytest.raises(rules.CommitteeError, match="recused"):
        rules.require_may_score(rules.MemberStanding(None, AT, False))
    with pytest.raises(rules.CommitteeError, match="recused"):
        rules.require_undecided(rules.MemberStanding(None, AT, False))


def test_a_declaration_is_made_once():
    with pytest.raises(rules.CommitteeError, match="already declared"):
        rules.require_undecided(rules.MemberStanding(AT, None, False))


def test_nothing_changes_once_the_scores_are_final():
    with pytest.raises(rules.CommitteeError, match="final"):
        rules.require_may_score(rules.MemberStanding(AT, None, True))
    with pytest.raises(rules.CommitteeError, match="final"):
        rules.require_undecided(rules.MemberStanding(None, None, True))


def test_a_recusal_needs_a_reason_of_at_most_2000_characters():
    with pytest.raises(rules.CommitteeError, match="reason"):
        rules.check_reason("   ")
    assert rules.check_reason(" 가족 회사 ") == "가족 회사"
    assert rules.check_reason("x" * 2000) == "x" * 2000
    with pytest.raises(rules.CommitteeError):
        rules.check_reason("x" * 2001)


def test_comments_are_stripped_and_bounded():
    assert rules.check_comments([" a ", "", "c"]) == ("a", "", "c")
    with pytest.raises(rules.CommitteeError):
        rules.check_comments(["", "x" * 2001, ""])
