"""Korean working days and the answer deadline: weekends, holidays (lunar and substitute), Seoul's date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.domain.clock import SEOUL
from marketplace.domain.working_days import (
    HOLIDAY_YEARS,
    HOLIDAYS,
    CalendarNotKnown,
    answer_deadline,
    is_working_day,
    previous_working_day,
)


def kst(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL).astimezone(UTC)


def test_weekends_and_holidays_are_not_working_days_and_ordinary_weekdays_are():
    assert is_working_day(date(2026, 9, 23))  # a Wednesday
    assert not is_working_day(date(2026, 9, 26))  # Saturday (and Chuseok)
    assert not is_working_day(date(2026, 9, 24))  # Chuseok eve, a Thursday
    assert not is_working_day(date(2025, 10, 8))  # substitute for Chuseok falling on a Sunday
    assert not is_working_day(date(2026, 10, 5))  # substitute for National Foundation Day on a Saturday


def test_every_year_covered_has_its_fixed_holidays_and_three_days_each_of_seollal_and_chuseok():
    for year in HOLIDAY_YEARS:
        days = {day for day in HOLIDAYS if day.year == year}
        for month, day in ((1, 1), (3, 1), (5, 5), (6, 6), (8, 15), (10, 3), (10, 9), (12, 25)):
            assert date(year, month, day) in days, (year, month, day)
        seollal = [d for d in days if "설날" in HOLIDAYS[d] and "대체" not in HOLIDAYS[d]]
        chuseok = [d for d in days if "추석" in HOLIDAYS[d] and "대체" not in HOLIDAYS[d]]
        assert len(seollal) == 3 and max(seollal) - min(seollal) == timedelta(days=2), year
        assert len(chuseok) == 3 and max(chuseok) - min(chuseok) == timedelta(days=2), year


def test_a_substitute_holiday_is_always_a_weekday_after_the_holiday_it_replaces():
    for day, name in HOLIDAYS.items():
        if name.startswith("대체공휴일"):
            assert day.weekday() < 5, day
            assert any(other in HOLIDAYS for other in (day - timedelta(days=n) for n in range(1, 4))), day


def test_a_year_outside_the_table_is_refused_rather_than_guessed():
    with pytest.raises(CalendarNotKnown):
        is_working_day(date(2018, 9, 14))
    with pytest.raises(CalendarNotKnown):
        answer_deadline(kst(2030, 3, 5, 18, 0))


def test_the_deadline_is_the_same_seoul_time_on_the_previous_working_day():
    assert answer_deadline(kst(2026, 11, 25, 18, 0)) == kst(2026, 11, 24, 18, 0)  # Wednesday -> Tuesday
    assert answer_deadline(kst(2026, 11, 30, 18, 0)) == kst(2026, 11, 27, 18, 0)  # Monday -> Friday


def test_a_close_the_monday_after_chuseok_moves_the_deadline_before_the_holidays():
    # Chuseok 2026: Thursday 24 to Saturday 26 September; the close is Monday 28th
    assert answer_deadline(kst(2026, 9, 28, 18, 0)) == kst(2026, 9, 23, 18, 0)


def test_a_close_the_day_after_a_substitute_holiday_skips_it_and_the_weekend():
    # National Foundation Day 2026 is a Saturday; Monday 5 October is its substitute
    assert answer_deadline(kst(2026, 10, 6, 10, 0)) == kst(2026, 10, 2, 10, 0)
    # Chuseok 2025 (5-7 October, Sunday first) with its substitute on the 8th and Hangul Day on the 9th
    assert previous_working_day(date(2025, 10, 10)) == date(2025, 10, 2)


def test_the_seoul_date_decides_not_the_utc_date():
    # 00:30 KST on Tuesday 29 September 2026 is still Monday 28th in UTC
    closes = kst(2026, 9, 29, 0, 30)
    assert closes.date() == date(2026, 9, 28)
    assert answer_deadline(closes) == kst(2026, 9, 28, 0, 30)  # Monday in Seoul, a working day
    # in UTC terms that deadline falls on Sunday 27th: a UTC calendar would have gone back to the 23rd
    assert answer_deadline(closes) == datetime(2026, 9, 27, 15, 30, tzinfo=UTC)
