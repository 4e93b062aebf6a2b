"""The favoured-applicant rules and Seoul dates, each kept in one domain module."""

from datetime import UTC, date, datetime, time

import pytest

from marketplace.domain.clock import SEOUL, kst_text, seoul_date, seoul_day_bounds, seoul_instant, seoul_iso
from marketplace.domain.eligibility import (
    SMALL_RECORD_LIMIT_KRW,
    WeightTiers,
    has_small_record,
    is_first_timer,
    is_startup,
    startup_founded_after,
    tier_name,
    weight_for,
)


def test_a_company_founded_exactly_seven_years_before_the_day_is_a_startup():
    assert is_startup(date(2011, 9, 14), date(2018, 9, 14))
    assert not is_startup(date(2011, 9, 13), date(2018, 9, 14))


def test_a_company_founded_on_29_february_stops_being_a_startup_after_28_february_seven_years_on():
    assert is_startup(date(2016, 2, 29), date(2023, 2, 28))
    assert not is_startup(date(2016, 2, 29), date(2023, 3, 1))


def test_on_29_february_the_startup_limit_falls_back_to_28_february_seven_years_earlier():
    assert startup_founded_after(date(2024, 2, 29)) == date(2017, 2, 28)
    assert is_startup(date(2017, 2, 28), date(2024, 2, 29))
    assert not is_startup(date(2017, 2, 27), date(2024, 2, 29))


def test_a_company_with_any_public_supply_contract_is_no_first_timer():
    assert is_first_timer(0)
    assert not is_first_timer(1)


def test_a_record_of_exactly_the_limit_is_small_and_one_won_more_is_not():
    assert SMALL_RECORD_LIMIT_KRW == 500_000_000
    assert has_small_record(500_000_000)
    assert not has_small_record(500_000_001)
    assert has_small_record(1_000, limit_krw=1_000) and not has_small_record(1_001, limit_krw=1_000)


def test_a_record_of_exactly_500_million_won_earns_the_startup_tier():
    tiers = WeightTiers()
    facts = dict(first_timer=False, startup=False)
    assert tier_name(tiers, **facts, public_supply_krw=500_000_000) == "startup"
    assert weight_for(tiers, **facts, public_supply_krw=500_000_000) == 2
    assert tier_name(tiers, **facts, public_supply_krw=500_000_001) == "general"


@pytest.mark.parametrize(("utc_hour", "expected"), [(14, date(2018, 9, 14)), (15, date(2018, 9, 15))])
def test_the_seoul_date_turns_at_15_00_utc(utc_hour, expected):
    assert seoul_date(datetime(2018, 9, 14, utc_hour, 59, tzinfo=UTC)) == expected


def test_a_seoul_wall_clock_time_is_nine_hours_ahead_of_utc():
    assert seoul_instant(date(2018, 9, 14), time(18, 0)) == datetime(2018, 9, 14, 9, 0, tzinfo=UTC)


def test_seoul_day_bounds_run_from_midnight_to_the_next_midnight_in_seoul():
    begin, stop = seoul_day_bounds(date(2024, 2, 29))
    assert (begin, stop) == (datetime(2024, 2, 28, 15, tzinfo=UTC), datetime(2024, 2, 29, 15, tzinfo=UTC))
    assert seoul_day_bounds(date(2018, 1, 1), date(2018, 12, 31))[1] == datetime(2018, 12, 31, 15, tzinfo=UTC)


def test_moments_are_written_in_seoul_time_with_the_zone():
    moment = datetime(2018, 9, 22, 11, 45, 30, 123456, tzinfo=UTC)
    assert kst_text(moment) == "2018-09-22 20:45 KST"
    assert seoul_iso(moment) == "2018-09-22T20:45:30+09:00"
    assert seoul_iso(None) is None
    assert SEOUL.key == "Asia/Seoul"
