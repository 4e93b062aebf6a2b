"""The small-value track's rules at their boundaries: who qualifies (KRW 500,000,000 record, startup or
first-timer), the KRW 20,000,000 order cap, one year of validity (29 February, month ends), the monthly batch
window in Seoul time and its seed event."""

from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.domain import orders as o
from marketplace.domain import small_track as st
from marketplace.domain.eligibility import WeightTiers
from marketplace.domain.rounds import window_state
from marketplace.domain.states import TrackKind, WindowState
from marketplace.domain.tracks import QUALIFY_TEXTS, TrackError, TrackRules, check_tracks, qualification
from tests.unit.test_quota_and_order_rules import facts as placement

CLOSE = date(2026, 12, 31)
OLD = date(2000, 1, 1)  # not a startup on CLOSE
YOUNG = date(2020, 1, 1)  # a startup on CLOSE


def small(founded=OLD, record=0, count=0, close=CLOSE):
    return qualification(
        TrackKind.SMALL,
        founded_on=founded,
        close_day=close,
        public_supply_krw=record,
        record_limit_krw=None,
        public_supply_count=count,
    )


def test_a_startup_with_a_record_of_exactly_500_million_qualifies_and_one_won_more_does_not():
    at_limit = small(YOUNG, 500_000_000, 3)
    assert at_limit.qualifies and at_limit.reason == "small_startup"
    assert at_limit.params["record"] == "500,000,000" and at_limit.params["limit"] == "500,000,000"
    over = small(YOUNG, 500_000_001, 3)
    assert not over.qualifies and over.reason == "small_record_over"
    assert "above the small-value track's limit of 500,000,000 won" in over.message % over.params


def test_a_first_timer_qualifies_however_old_the_company():
    found = small(OLD, 0, 0)
    assert found.qualifies and found.reason == "small_first_timer"
    assert "first-timer" in found.message % found.params


def test_a_company_neither_startup_nor_first_timer_is_refused_and_told_why():
    found = small(OLD, 10_000_000, 2)
    assert not found.qualifies and found.reason == "small_neither"
    text = found.message % found.params
    assert "founded 2000-01-01" in text and "2 public supply contracts" in text


def test_a_startup_is_counted_seven_years_to_the_day_from_the_batch_close():
    assert small(date(2019, 12, 31), 100, 1).reason == "small_startup"
    assert small(date(2019, 12, 30), 100, 1).reason == "small_neither"
    # a batch closing on 29 February counts back to 28 February
    assert small(date(2021, 2, 28), 100, 1, close=date(2028, 2, 29)).qualifies
    assert not small(date(2021, 2, 27), 100, 1, close=date(2028, 2, 29)).qualifies


def test_every_reason_has_a_text():
    assert set(st.QUALIFY_TEXTS) <= set(QUALIFY_TEXTS)


def test_a_small_value_track_is_its_rounds_only_track_with_no_threshold_of_its_own():
    check_tracks([TrackRules(TrackKind.SMALL, 100, 20_000_000, WeightTiers())])
    with pytest.raises(TrackError, match="only track"):
        check_tracks(
            [
                TrackRules(TrackKind.SMALL, 50, 20_000_000, WeightTiers()),
                TrackRules(TrackKind.STARTUP, 50, 20_000_000, WeightTiers()),
            ]
        )
    with pytest.raises(TrackError, match="add up to 100"):
        check_tracks([TrackRules(TrackKind.SMALL, 90, 20_000_000, WeightTiers())])
    with pytest.raises(TrackError, match="set by the programme"):
        check_tracks([TrackRules(TrackKind.SMALL, 100, 20_000_000, WeightTiers(), 500_000_000)])


def facts(**kw):
    """A placement that passes every rule (the order rules' own), as a small-value selection's order of exactly
    the cap, in 2027."""
    small = dict(
        ordered_on=date(2027, 3, 15),
        today=date(2027, 3, 20),
        allocation_remaining_krw=100_000_000,
        mou_starts_on=date(2027, 1, 1),
        mou_ends_on=date(2027, 12, 31),
        remaining_krw=100_000_000,
        amount_krw=st.ORDER_CAP_KRW,
        order_cap_krw=st.order_cap(TrackKind.SMALL),
    )
    return placement(**{**small, **kw})


def test_an_order_of_exactly_20_million_is_allowed_and_20_million_and_1_refused():
    assert st.order_cap(TrackKind.SMALL) == 20_000_000
    assert o.placement_failures(facts(amount_krw=20_000_000)) == []
    failures = o.placement_failures(facts(amount_krw=20_000_001))
    assert len(failures) == 1
    text = failures[0].message % failures[0].params
    assert "20,000,001 won is above 20,000,000 won" in text and "small-value direct-contract rule" in text


@pytest.mark.parametrize("kind", [TrackKind.STARTUP, TrackKind.GENERAL, None])
def test_other_tracks_have_no_order_cap_of_their_own(kind):
    assert st.order_cap(kind) is None
    assert o.placement_failures(facts(amount_krw=20_000_001, order_cap_krw=st.order_cap(kind))) == []


@pytest.mark.parametrize(
    ("published", "last_valid"),
    [
        (date(2026, 3, 15), date(2027, 3, 15)),
        (date(2026, 1, 31), date(2027, 1, 31)),  # a month end stays the month end
        (date(2026, 12, 31), date(2027, 12, 31)),  # a year end
        (date(2028, 2, 29), date(2029, 2, 28)),  # no 29 February next year: the 28th
        (date(2027, 2, 28), date(2028, 2, 28)),  # into a leap year: still the 28th, not the 29th
        (date(2027, 3, 1), date(2028, 3, 1)),
    ],
)
def test_a_selection_is_valid_for_one_year_from_publication(published, last_valid):
    assert st.selection_valid_until(published) == last_valid


def test_an_order_on_the_last_valid_day_is_allowed_and_the_next_day_refused():
    until = st.selection_valid_until(date(2028, 2, 29))
    mou = dict(mou_starts_on=date(2029, 1, 1), mou_ends_on=date(2029, 12, 31))
    assert o.placement_failures(facts(ordered_on=until, today=until, selection_valid_until=until, **mou)) == []
    late = until + timedelta(days=1)
    failures = o.placement_failures(facts(ordered_on=late, today=late, selection_valid_until=until, **mou))
    assert [f.message % f.params for f in failures] == ["The product's selection was valid until 2029-02-28."]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("year", "month", "opens", "closes"),
    [
        (2026, 11, utc(2026, 10, 31, 15, 0), utc(2026, 11, 30, 14, 59)),
        (2026, 12, utc(2026, 11, 30, 15, 0), utc(2026, 12, 31, 14, 59)),
        (2028, 2, utc(2028, 1, 31, 15, 0), utc(2028, 2, 29, 14, 59)),  # leap February
        (2027, 2, utc(2027, 1, 31, 15, 0), utc(2027, 2, 28, 14, 59)),
    ],
)
def test_a_batch_runs_from_the_1st_00_00_to_the_months_last_day_23_59_59_in_seoul(year, month, opens, closes):
    opens_at, closes_at = st.batch_window(year, month)
    assert (opens_at, closes_at) == (opens, closes)
    assert window_state(opens_at, closes_at, opens_at - timedelta(seconds=1)) == WindowState.BEFORE
    assert window_state(opens_at, closes_at, opens_at) == WindowState.OPEN
    assert window_state(opens_at, closes_at, closes_at + timedelta(seconds=59)) == WindowState.OPEN  # 23:59:59 KST
    assert window_state(opens_at, closes_at, closes_at + timedelta(seconds=60)) == WindowState.AFTER  # 00:00 KST


def test_the_batch_month_is_the_seoul_month():
    assert st.batch_month(utc(2026, 11, 30, 14, 59, 59)) == (2026, 11)
    assert st.batch_month(utc(2026, 11, 30, 15, 0)) == (2026, 12)  # already 1 December in Seoul
    assert st.batch_month(utc(2026, 12, 31, 15, 0)) == (2027, 1)
    assert st.next_month(2026, 12) == (2027, 1) and st.next_month(2026, 1) == (2026, 2)
    assert st.batch_code(2027, 1) == "SV-2027-01"


@pytest.mark.parametrize(
    ("moment", "months"),
    [
        (utc(2026, 11, 23, 14, 59), [(2026, 11)]),  # 23 November 23:59 KST: seven days left
        (utc(2026, 11, 23, 15, 0), [(2026, 11), (2026, 12)]),  # 24 November 00:00 KST: six days left
        (utc(2026, 12, 31, 14, 59), [(2026, 12), (2027, 1)]),
        (utc(2026, 12, 31, 15, 0), [(2027, 1)]),  # 1 January in Seoul, still 31 December in UTC
        (utc(2028, 2, 22, 3, 0), [(2028, 2)]),  # leap February: 29 - 22 = 7 days left
        (utc(2028, 2, 23, 3, 0), [(2028, 2), (2028, 3)]),
    ],
)
def test_the_next_months_batch_is_due_in_the_last_week_of_a_seoul_month(moment, months):
    assert st.due_months(moment) == months
    assert st.previous_month(2027, 1) == (2026, 12) and st.previous_month(2027, 2) == (2027, 1)


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(2026, 11, date(2026, 12, 12)), (2026, 12, date(2027, 1, 9)), (2027, 7, date(2027, 8, 14))],
)
def test_the_seed_event_is_the_lotto_draw_on_the_second_saturday_of_the_next_month(year, month, day):
    assert st.seed_event_day(year, month) == day and day.weekday() == 5
    ko, en, at = st.seed_event(year, month)
    assert at == st.batch_window(*st.next_month(year, month))[0] + (day - date(*st.next_month(year, month), 1)) + (
        timedelta(hours=20, minutes=35)
    )
    assert day.isoformat() in ko and f"Lotto 6/45 draw on {day.isoformat()} 20:35 KST" in en
    assert at > st.batch_window(year, month)[1] + timedelta(days=7)


@pytest.mark.parametrize("method", ["limited_tender", "general_tender", "shopping_mall"])
def test_a_small_value_selection_is_bought_by_private_contract_only(method):
    failures = o.placement_failures(facts(contract_method=method))
    assert [f.message for f in failures] == [
        "A small-value track selection is bought by private contract (수의계약) under the small-value "
        "direct-contract rule: choose that contract method."
    ]
    assert o.placement_failures(facts(contract_method="private_contract")) == []
    assert o.placement_failures(facts(contract_method=method, order_cap_krw=None)) == []  # other tracks: any method
