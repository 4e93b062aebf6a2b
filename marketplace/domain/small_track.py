"""The small-value track (소액과제): rolling intake in monthly batches, for startups and first-timers with a small
public supply record; orders under the small-value direct-contract rule; a selection valid for one year.

A batch is a round with one small-value track taking its whole budget. It opens on the 1st of a Seoul month at
00:00 and takes applications through the month's last day, 23:59:59 (the closing minute 23:59 is inclusive, as
every window is). Its seed event, named when it opens, is the Lotto 6/45 draw on the second Saturday of the
next month, so staff have a week or more to score the batch and freeze its pool before it.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from .clock import seoul_date, seoul_instant
from .eligibility import SMALL_RECORD_LIMIT_KRW, STARTUP_YEARS, has_small_record, is_first_timer, is_startup
from .errors import N_
from .states import TrackKind

RECORD_LIMIT_KRW = SMALL_RECORD_LIMIT_KRW  # at most KRW 500,000,000 of public supply (the limit itself qualifies)
ORDER_CAP_KRW = 20_000_000  # the small-value direct-contract rule: each order at most KRW 20,000,000
VALID_YEARS = 1
OPEN_AHEAD_DAYS = 7  # the next month's batch opens (its rules published) in the last week of a month
BATCH_CODE_PREFIX = "SV"
SATURDAY = 5
LOTTO_TIME = time(20, 35)

# Why a company qualifies for the small-value track or not: stable codes, with the facts as parameters.
QUALIFY_TEXTS = {
    "small_startup": N_(
        "A startup (founded %(founded)s, within %(years)s years of the close %(close)s) with a public supply "
        "record of %(record)s won, at most the small-value track's limit of %(limit)s won."
    ),
    "small_first_timer": N_(
        "A first-timer (no public supply contract yet) with a public supply record of %(record)s won, at most "
        "the small-value track's limit of %(limit)s won."
    ),
    "small_record_over": N_(
        "Public supply record %(record)s won, above the small-value track's limit of %(limit)s won."
    ),
    "small_neither": N_(
        "Neither a startup (founded %(founded)s, more than %(years)s years before the close %(close)s) nor a "
        "first-timer (%(count)s public supply contracts): the small-value track is for startups and first-timers."
    ),
}


def qualify(
    *, founded_on: date, close_day: date, public_supply_krw: int, public_supply_count: int
) -> tuple[bool, str, dict[str, str]]:
    """Whether a company qualifies for a batch closing on `close_day`: a startup (eligibility.is_startup) or a
    first-timer (eligibility.is_first_timer), with a public supply record of at most RECORD_LIMIT_KRW.
    Returns (qualifies, reason code of QUALIFY_TEXTS, its parameters); the record is checked first."""
    params = {
        "founded": founded_on.isoformat(),
        "close": close_day.isoformat(),
        "years": str(STARTUP_YEARS),
        "record": f"{public_supply_krw:,}",
        "limit": f"{RECORD_LIMIT_KRW:,}",
        "count": str(public_supply_count),
    }
    if not has_small_record(public_supply_krw, RECORD_LIMIT_KRW):
        return False, "small_record_over", params
    if is_startup(founded_on, close_day):
        return True, "small_startup", params
    if is_first_timer(public_supply_count):
        return True, "small_first_timer", params
    return False, "small_neither", params


def order_cap(track_kind: str | None) -> int | None:
    """The most one order may amount to against a selection of this track: ORDER_CAP_KRW for the small-value
    track (exactly 20,000,000 won is allowed, 20,000,001 refused), no cap of its own for any other."""
    return ORDER_CAP_KRW if track_kind == TrackKind.SMALL else None


def selection_valid_until(published_on: date) -> date:
    """The last contract date a small-value selection covers: publication day + 1 year, in Seoul dates.

    Valid through the same calendar date one year after the batch's publication (a Seoul date), that day
    included: published 2026-03-15, an order dated 2027-03-15 is accepted and one dated 2027-03-16 refused.
    A month end stays the same day (2026-01-31 -> 2027-01-31). Published on 29 February, the next year has no
    such date: valid through 28 February. Published on 28 February before a leap year: 28 February too.
    """
    try:
        return published_on.replace(year=published_on.year + VALID_YEARS)
    except ValueError:
        return published_on.replace(year=published_on.year + VALID_YEARS, day=28)


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def batch_window(year: int, month: int) -> tuple[datetime, datetime]:
    """A batch's window as UTC instants: the 1st at 00:00 Seoul, closing minute the last day's 23:59 Seoul
    (inclusive, so applications are taken through 23:59:59)."""
    return seoul_instant(date(year, month, 1), time(0, 0)), seoul_instant(last_day(year, month), time(23, 59))


def batch_month(moment: datetime) -> tuple[int, int]:
    """The Seoul (year, month) of an instant: the batch open at that moment."""
    day = seoul_date(moment)
    return day.year, day.month


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def due_months(moment: datetime) -> list[tuple[int, int]]:
    """The months whose batch should be open at `moment`: the Seoul month, and in its last OPEN_AHEAD_DAYS
    days the next month too, so that the next batch takes applications from its first second."""
    day = seoul_date(moment)
    months = [(day.year, day.month)]
    if (last_day(day.year, day.month) - day).days < OPEN_AHEAD_DAYS:
        months.append(next_month(day.year, day.month))
    return months


def batch_code(year: int, month: int) -> str:
    """SV-2026-12: the batch's round code."""
    return f"{BATCH_CODE_PREFIX}-{year}-{month:02d}"


def seed_event_day(year: int, month: int) -> date:
    """The second Saturday of the month after the batch's month: its seed event's day."""
    following = date(*next_month(year, month), 1)
    first_saturday = following + timedelta(days=(SATURDAY - following.weekday()) % 7)
    return first_saturday + timedelta(days=7)


def seed_event(year: int, month: int) -> tuple[str, str, datetime]:
    """The batch's seed event: Korean and English descriptions and its UTC instant."""
    day = seed_event_day(year, month)
    text = day.isoformat()
    return (
        f"{text} 20:35 KST 로또 6/45 추첨: 당첨번호 여섯 개를 오름차순으로 한 칸씩 띄워 쓰고 ' + ' 뒤에 보너스 번호",
        f"Lotto 6/45 draw on {text} 20:35 KST; the six numbers ascending, a space between, then ' + ' and the "
        "bonus number",
        seoul_instant(day, LOTTO_TIME),
    )
