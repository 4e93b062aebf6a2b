"""The seed event rules (DESIGN.md section 4, step 3) and the can-never-win warning, without a database."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from marketplace.domain.rounds import RoundError, kst_minute, largest_candidate_budget
from marketplace.domain.seed_events import (
    SeedEvent,
    SeedEventError,
    check_announcement,
    check_seed_event,
    optional_seed_event,
    require_draw_after_event,
    require_event_to_open,
    require_freeze_before_event,
    timeline,
)

CLOSES = kst_minute(date(2018, 9, 14), time(18, 0))
EVENT_AT = kst_minute(date(2018, 9, 22), time(20, 45))
LOTTO = SeedEvent("로또 6/45 제825회", "Lotto 6/45 draw no. 825", EVENT_AT)
SECOND = timedelta(seconds=1)


def test_a_seed_event_is_a_seed_event_error_and_a_round_error():
    assert issubclass(SeedEventError, RoundError)


def test_a_seed_event_needs_both_descriptions_and_strips_them():
    assert check_seed_event(" 로또 ", " Lotto ", EVENT_AT, CLOSES) == SeedEvent("로또", "Lotto", EVENT_AT)
    for ko, en in (("", "Lotto"), ("로또", "  "), (None, None)):
        with pytest.raises(SeedEventError, match="in Korean and in English"):
            check_seed_event(ko, en, EVENT_AT, CLOSES)
    with pytest.raises(SeedEventError, match="at most 500 characters"):
        check_seed_event("로" * 501, "Lotto", EVENT_AT, CLOSES)


def test_the_seed_event_must_happen_after_the_closing_minute_has_passed():
    with pytest.raises(SeedEventError, match="after the round closes \\(2018-09-14 18:00 KST\\)"):
        check_seed_event("로또", "Lotto", CLOSES, CLOSES)
    with pytest.raises(SeedEventError):
        check_seed_event("로또", "Lotto", CLOSES + timedelta(minutes=1), CLOSES)  # the window's own last minute
    assert check_seed_event("로또", "Lotto", CLOSES + timedelta(minutes=1) + SECOND, CLOSES).at > CLOSES


def test_a_draft_may_leave_its_seed_event_empty_but_not_half_filled():
    assert optional_seed_event("", " ", None, CLOSES) is None
    with pytest.raises(SeedEventError, match="date and time of the seed event"):
        optional_seed_event("로또", "Lotto", None, CLOSES)
    with pytest.raises(SeedEventError, match="in Korean and in English"):
        optional_seed_event("", "", EVENT_AT, CLOSES)


def test_a_round_opens_only_with_its_seed_event():
    with pytest.raises(SeedEventError, match="before opening the round"):
        require_event_to_open(None)
    require_event_to_open(LOTTO)


def test_the_pool_freezes_only_before_the_seed_event():
    require_freeze_before_event(LOTTO, EVENT_AT - SECOND)
    for now in (EVENT_AT, EVENT_AT + SECOND):
        with pytest.raises(SeedEventError, match="already happened.*Announce a later public event"):
            require_freeze_before_event(LOTTO, now)
    with pytest.raises(SeedEventError, match="Announce the public event"):
        require_freeze_before_event(None, EVENT_AT - timedelta(days=9))


def test_the_draw_runs_only_from_the_seed_events_moment():
    with pytest.raises(SeedEventError, match="Lotto 6/45 draw no. 825 \\(2018-09-22 20:45 KST\\)"):
        require_draw_after_event(LOTTO, EVENT_AT - SECOND)
    require_draw_after_event(LOTTO, EVENT_AT)
    require_draw_after_event(LOTTO, EVENT_AT + timedelta(days=3))
    with pytest.raises(SeedEventError, match="names no seed event"):
        require_draw_after_event(None, EVENT_AT)


def _announce(
    current=LOTTO,
    at=EVENT_AT + timedelta(days=7),
    reason="The committee needed another week",
    now=EVENT_AT + SECOND,
    frozen=False,
    drawn=False,
):
    return check_announcement(
        current, SeedEvent("로또 826", "Lotto 826", at), reason, now=now, frozen=frozen, drawn=drawn
    )


def test_a_later_event_is_announced_with_its_reason():
    assert _announce(reason="  The committee needed another week ") == "The committee needed another week"
    assert _announce(current=None, frozen=True) == "The committee needed another week"  # a round from before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"drawn": True}, "draw has run"),
        ({"frozen": True}, "pool is frozen"),
        ({"at": EVENT_AT, "now": EVENT_AT - timedelta(days=2)}, "after the one it replaces"),
        ({"at": EVENT_AT - timedelta(days=1), "now": EVENT_AT - timedelta(days=2)}, "after the one it replaces"),
        ({"now": EVENT_AT + timedelta(days=7)}, "has not happened yet"),
        ({"reason": "  "}, "Give the reason"),
        ({"reason": "x" * 1001}, "at most 1000 characters"),
    ],
    ids=["drawn", "frozen-against-an-event", "not-later", "earlier", "already-past", "no-reason", "long-reason"],
)
def test_an_announcement_is_refused(change, message):
    with pytest.raises(SeedEventError, match=message):
        _announce(**change)


def test_the_timeline_states_each_moment_in_seoul_time_to_the_second():
    announced = kst_minute(date(2018, 8, 16), time(9, 0))
    frozen = datetime(2018, 9, 21, 1, 0, 30, tzinfo=UTC)
    stated = timeline(announced, frozen, LOTTO, announced, EVENT_AT + timedelta(days=2))
    assert stated == {
        "zone": "Asia/Seoul",
        "rule_published_at": "2018-08-16T09:00:00+09:00",
        "manifest_frozen_at": "2018-09-21T10:00:30+09:00",
        "seed_event": {
            "description_ko": "로또 6/45 제825회",
            "description_en": "Lotto 6/45 draw no. 825",
            "at": "2018-09-22T20:45:00+09:00",
            "announced_at": "2018-08-16T09:00:00+09:00",
        },
        "drawn_at": "2018-09-24T20:45:00+09:00",
    }
    assert timeline(None, frozen, None, None, frozen)["seed_event"] is None


BUDGETS = {"AAA": 100, "BBB": 300, "CCC": 200}


def test_an_application_can_only_be_selected_by_a_candidate_whose_budget_covers_it():
    assert largest_candidate_budget((), BUDGETS) == 300  # no preference: every participating institution
    assert largest_candidate_budget(("AAA", "CCC"), BUDGETS) == 200  # only its preferred ones
    assert largest_candidate_budget(("AAA",), BUDGETS) == 100
    assert largest_candidate_budget((), {}) == 0
