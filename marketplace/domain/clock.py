"""Seoul time: the zone every date rule uses, a moment's Seoul date, a Seoul day's bounds in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


def seoul_date(moment: datetime) -> date:
    """The calendar day in Seoul at an aware `moment` (between 15:00 and 24:00 UTC Seoul is a day ahead)."""
    return moment.astimezone(SEOUL).date()


def fiscal_year(day: date) -> tuple[date, date]:
    """The first and last day of the fiscal year `day` falls in: in Korea the calendar year."""
    return date(day.year, 1, 1), date(day.year, 12, 31)


def seoul_instant(day: date, at: time) -> datetime:
    """The UTC instant at which the Seoul wall-clock time `at` of `day` happens."""
    return datetime.combine(day, at, tzinfo=SEOUL).astimezone(UTC)


def seoul_day_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """The UTC instants of `first` 00:00 KST and of the day after `last` (default `first`) 00:00 KST.

    Half-open: a moment belongs to the days when begin <= moment < stop.
    """
    return seoul_instant(first, time.min), seoul_instant((last or first) + timedelta(days=1), time.min)


def kst_text(moment: datetime) -> str:
    """A moment as people read it on the pages: '2018-09-22 20:45 KST'."""
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M KST")


def seoul_iso(moment: datetime | None) -> str | None:
    """A moment in ISO 8601 with Seoul's offset, to the second ('2018-09-22T20:45:00+09:00'), or None."""
    return None if moment is None else moment.astimezone(SEOUL).isoformat(timespec="seconds")
