"""The demo's one timeline, relative to the Seoul date it is seeded on.

The published sample round is the latest half-year round whose whole story (window, close, pool freeze,
seed event, draw, publication, then two months of orders) lies before the seeding day. Everything else is
dated from it: the sample data were registered before the fiscal year the round falls in, MOUs start at
that fiscal year's start, certificates were issued before registration and stay valid through the
orders, and an open round is open today. Every moment here is 10:00 KST or another office hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..domain import rounds as rules
from ..domain.clock import fiscal_year, seoul_date, seoul_instant
from ..domain.seed_events import SeedEvent

LOTTO_FIRST_DRAW = date(2002, 12, 7)  # a Saturday; Lotto 6/45 draws weekly at 20:45 KST since then
# The published round's orders, deliveries, inspections, evaluations and certificates all fall within
# this many days after publication, and before the seeding day.
STORY_DAYS = 60
SETUP_BEFORE_FISCAL_YEAR = timedelta(days=30)  # sample companies, products, logins registered
FIRST_MOUS_BEFORE_FISCAL_YEAR = timedelta(days=14)  # the six first institutions sign
JOINED_MOUS_BEFORE_OPENING = timedelta(days=30)  # the others join before the round opens
ORDER_START_DAYS = 3  # the first order, days after publication
ORDER_EVERY_DAYS = 2


def at_kst(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """The UTC instant of `day` at hour:minute in Seoul."""
    return seoul_instant(day, time(hour, minute))


def lotto_event(day: date) -> SeedEvent:
    """A sample seed event: the Lotto 6/45 draw of the first Saturday on or after `day`, at 20:45 KST."""
    day += timedelta(days=(5 - day.weekday()) % 7)
    number = (day - LOTTO_FIRST_DRAW).days // 7 + 1
    return SeedEvent(
        f"(예시) 로또 6/45 제{number}회 추첨({day} 20:45 KST): 당첨번호 6개를 작은 수부터 한 칸씩 띄워 쓰고, "
        "이어서 ' + '와 보너스 번호",
        f"(Sample) Lotto 6/45 draw no. {number} on {day} 20:45 KST; the six numbers ascending, a space between, "
        "then ' + ' and the bonus number",
        rules.kst_minute(day, time(20, 45)),
    )


@dataclass(frozen=True)
class HalfRound:
    """A half-year round's calendar: window 16 Feb-14 Mar (H1) or 16 Aug-14 Sep (H2), as in 2018-H2, then
    scores five days after the close, the freeze a week after it, the first Lotto draw after that as the
    seed event, the draw five days after the event and publication that afternoon."""

    year: int
    half: int

    @property
    def code(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def opens_at(self) -> datetime:
        return rules.kst_minute(date(self.year, 2 if self.half == 1 else 8, 16), time(9, 0))

    @property
    def close_day(self) -> date:
        return date(self.year, 3 if self.half == 1 else 9, 14)

    @property
    def closes_at(self) -> datetime:
        return rules.kst_minute(self.close_day, time(18, 0))

    @property
    def scored_at(self) -> datetime:
        return self.closes_at + timedelta(days=5)

    @property
    def frozen_at(self) -> datetime:
        return at_kst(self.close_day + timedelta(days=7))

    @property
    def seed_event(self) -> SeedEvent:
        return lotto_event(self.close_day + timedelta(days=8))

    @property
    def drawn_at(self) -> datetime:
        return at_kst(seoul_date(self.seed_event.at) + timedelta(days=5))

    @property
    def published_at(self) -> datetime:
        return self.drawn_at + timedelta(hours=4)

    @property
    def published_on(self) -> date:
        return seoul_date(self.published_at)

    def following(self) -> HalfRound:
        return HalfRound(self.year + self.half - 1, 3 - self.half)

    def preceding(self) -> HalfRound:
        return HalfRound(self.year - 2 + self.half, 3 - self.half)


@dataclass(frozen=True)
class Story:
    """The demo's dates for seeding on `today` (Seoul)."""

    today: date
    round: HalfRound

    @property
    def fiscal_start(self) -> date:
        return fiscal_year(self.round.close_day)[0]

    @property
    def setup_day(self) -> date:
        return self.fiscal_start - SETUP_BEFORE_FISCAL_YEAR

    @property
    def setup_at(self) -> datetime:
        return at_kst(self.setup_day)

    @property
    def first_mous_signed(self) -> date:
        return self.fiscal_start - FIRST_MOUS_BEFORE_FISCAL_YEAR

    @property
    def joined_mous_signed(self) -> date:
        return seoul_date(self.round.opens_at) - JOINED_MOUS_BEFORE_OPENING

    @property
    def mous_end(self) -> date:
        return date(self.today.year + 1, 12, 31)

    def order_day(self, n: int) -> date:
        return self.round.published_on + timedelta(days=ORDER_START_DAYS + ORDER_EVERY_DAYS * n)

    @property
    def open_round(self) -> HalfRound:
        return self.round.following()

    @property
    def open_round_opens_at(self) -> datetime:
        return rules.kst_minute(self.today - timedelta(days=10), time(9, 0))

    @property
    def open_round_closes_at(self) -> datetime:
        return rules.kst_minute(self.today + timedelta(days=20), time(18, 0))


def story_for(today: date) -> Story:
    """The story seeded on `today`: its round is the latest whose story ends before today."""
    half = HalfRound(today.year, 2)
    while half.published_on + timedelta(days=STORY_DAYS) >= today:
        half = half.preceding()
    return Story(today, half)
