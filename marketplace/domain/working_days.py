"""Korean working days: weekends and public holidays, and a round's answer deadline.

Public holidays follow 「관공서의 공휴일에 관한 규정」 (Presidential Decree; art. 2 the holidays, art. 3 substitute
holidays): New Year's Day; Seollal (lunar 12-30, 1-1, 1-2); Independence Movement Day (3-1); Children's Day
(5-5); Buddha's Birthday (lunar 4-8); Memorial Day (6-6); Liberation Day (8-15); Chuseok (lunar 8-14, 8-15,
8-16); National Foundation Day (10-3); Hangul Day (10-9); Christmas (12-25); election days of the Public
Official Election Act; days the government designates (임시공휴일). Substitute holidays: Seollal and Chuseok
falling on a Sunday or another holiday; Children's Day on a Saturday, Sunday or another holiday; since 2021
also 3-1, 8-15, 10-3, 10-9, and since 2023 Buddha's Birthday and Christmas, on a Saturday, Sunday or another
holiday. Memorial Day and New Year's Day get none.

Lunar dates and substitute days below are taken from the Korea Astronomy and Space Science Institute's
monthly calendar notes (한국천문연구원 월력요항, astro.kasi.re.kr) and the Ministry of the Interior and Safety's
announcements; 2024-10-01 and 2025-01-27 were designated temporary holidays. Dates from 2027 on are as the
rules give them today: a holiday designated later (an election, a temporary holiday) must be added here.
Years outside HOLIDAY_YEARS have no calendar: callers refuse rather than guess.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .clock import SEOUL
from .errors import N_, DomainError

HOLIDAY_YEARS = range(2024, 2029)

HOLIDAYS: dict[date, str] = {
    # 2024
    date(2024, 1, 1): "신정",
    date(2024, 2, 9): "설날 연휴",
    date(2024, 2, 10): "설날",
    date(2024, 2, 11): "설날 연휴",
    date(2024, 2, 12): "대체공휴일(설날)",
    date(2024, 3, 1): "삼일절",
    date(2024, 4, 10): "제22대 국회의원 선거일",
    date(2024, 5, 5): "어린이날",
    date(2024, 5, 6): "대체공휴일(어린이날)",
    date(2024, 5, 15): "부처님오신날",
    date(2024, 6, 6): "현충일",
    date(2024, 8, 15): "광복절",
    date(2024, 9, 16): "추석 연휴",
    date(2024, 9, 17): "추석",
    date(2024, 9, 18): "추석 연휴",
    date(2024, 10, 1): "임시공휴일(국군의 날)",
    date(2024, 10, 3): "개천절",
    date(2024, 10, 9): "한글날",
    date(2024, 12, 25): "기독탄신일",
    # 2025
    date(2025, 1, 1): "신정",
    date(2025, 1, 27): "임시공휴일",
    date(2025, 1, 28): "설날 연휴",
    date(2025, 1, 29): "설날",
    date(2025, 1, 30): "설날 연휴",
    date(2025, 3, 1): "삼일절",
    date(2025, 3, 3): "대체공휴일(삼일절)",
    date(2025, 5, 5): "어린이날, 부처님오신날",
    date(2025, 5, 6): "대체공휴일(어린이날·부처님오신날)",
    date(2025, 6, 3): "제21대 대통령 선거일",
    date(2025, 6, 6): "현충일",
    date(2025, 8, 15): "광복절",
    date(2025, 10, 3): "개천절",
    date(2025, 10, 5): "추석 연휴",
    date(2025, 10, 6): "추석",
    date(2025, 10, 7): "추석 연휴",
    date(2025, 10, 8): "대체공휴일(추석)",
    date(2025, 10, 9): "한글날",
    date(2025, 12, 25): "기독탄신일",
    # 2026
    date(2026, 1, 1): "신정",
    date(2026, 2, 16): "설날 연휴",
    date(2026, 2, 17): "설날",
    date(2026, 2, 18): "설날 연휴",
    date(2026, 3, 1): "삼일절",
    date(2026, 3, 2): "대체공휴일(삼일절)",
    date(2026, 5, 5): "어린이날",
    date(2026, 5, 24): "부처님오신날",
    date(2026, 5, 25): "대체공휴일(부처님오신날)",
    date(2026, 6, 3): "제9회 전국동시지방선거일",
    date(2026, 6, 6): "현충일",
    date(2026, 8, 15): "광복절",
    date(2026, 8, 17): "대체공휴일(광복절)",
    date(2026, 9, 24): "추석 연휴",
    date(2026, 9, 25): "추석",
    date(2026, 9, 26): "추석 연휴",
    date(2026, 10, 3): "개천절",
    date(2026, 10, 5): "대체공휴일(개천절)",
    date(2026, 10, 9): "한글날",
    date(2026, 12, 25): "기독탄신일",
    # 2027
    date(2027, 1, 1): "신정",
    date(2027, 2, 5): "설날 연휴",
    date(2027, 2, 6): "설날",
    date(2027, 2, 7): "설날 연휴",
    date(2027, 2, 8): "대체공휴일(설날)",
    date(2027, 3, 1): "삼일절",
    date(2027, 5, 5): "어린이날",
    date(2027, 5, 13): "부처님오신날",
    date(2027, 6, 6): "현충일",
    date(2027, 8, 15): "광복절",
    date(2027, 8, 16): "대체공휴일(광복절)",
    date(2027, 9, 14): "추석 연휴",
    date(2027, 9, 15): "추석",
    date(2027, 9, 16): "추석 연휴",
    date(2027, 10, 3): "개천절",
    date(2027, 10, 4): "대체공휴일(개천절)",
    date(2027, 10, 9): "한글날",
    date(2027, 10, 11): "대체공휴일(한글날)",
    date(2027, 12, 25): "기독탄신일",
    date(2027, 12, 27): "대체공휴일(기독탄신일)",
    # 2028
    date(2028, 1, 1): "신정",
    date(2028, 1, 25): "설날 연휴",
    date(2028, 1, 26): "설날",
    date(2028, 1, 27): "설날 연휴",
    date(2028, 3, 1): "삼일절",
    date(2028, 4, 12): "제23대 국회의원 선거일",
    date(2028, 5, 2): "부처님오신날",
    date(2028, 5, 5): "어린이날",
    date(2028, 6, 6): "현충일",
    date(2028, 8, 15): "광복절",
    date(2028, 10, 2): "추석 연휴",
    date(2028, 10, 3): "추석, 개천절",
    date(2028, 10, 4): "추석 연휴",
    date(2028, 10, 5): "대체공휴일(추석·개천절)",
    date(2028, 10, 9): "한글날",
    date(2028, 12, 25): "기독탄신일",
}


class CalendarNotKnown(DomainError):
    """The working-day calendar does not cover the year asked about."""


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday; raises CalendarNotKnown outside HOLIDAY_YEARS."""
    if day.year not in HOLIDAY_YEARS:
        raise CalendarNotKnown(
            N_("The working-day calendar does not cover %(year)d: questions cannot be taken for this round."),
            year=day.year,
        )
    return day.weekday() < 5 and day not in HOLIDAYS


def previous_working_day(day: date) -> date:
    """The last working day strictly before `day`."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def answer_deadline(closes_at: datetime) -> datetime:
    """The last moment an answer may be published: one working day before the close, in Seoul.

    That is the close's Seoul wall-clock time on the last working day before the close's Seoul date
    (a close on Monday 2026-09-28 18:00 KST, after Chuseok on Thursday to Saturday, gives Wednesday
    2026-09-23 18:00 KST). Returned in UTC. Raises CalendarNotKnown.
    """
    local = closes_at.astimezone(SEOUL)
    day = previous_working_day(local.date())
    return datetime.combine(day, local.timetz()).astimezone(closes_at.tzinfo)
