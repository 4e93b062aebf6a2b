"""Builders for rounds, applications and draws."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from marketplace.domain.rounds import kst_minute
from marketplace.extensions import db
from marketplace.models import Application, Round, RoundInstitution
from marketplace.services import rounds as round_service
from tests import clock


def kst(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """The UTC instant of a KST wall-clock time, to the second."""
    return kst_minute(day, time(hour, minute)) + timedelta(seconds=second)


EVENT_KO = "시험 추첨: 로또 6/45 당첨번호 6개를 오름차순으로, 한 칸씩 띄워서"
EVENT_EN = "Test draw: the six Lotto 6/45 numbers ascending, a space between"


class Clock:
    """Replaces the services' clock; set `.now` to move time."""

    def __init__(self, monkeypatch, now: datetime | None = None):
        self.now = now or clock.now()
        monkeypatch.setattr(round_service, "now", lambda: self.now)


class RoundBuilders:
    def __init__(self, make):
        self.make = make
        self.n = 0

    def round(
        self,
        *,
        status: str = "open",
        opens_at: datetime | None = None,
        closes_at: datetime | None = None,
        budgets: list[tuple] | None = None,
        cap: int = 100_000_000,
        pass_mark: int = 70,
        **kw,
    ) -> Round:
        """A round (open by default, window around now) with two institutions unless `budgets` is given.

        Its seed event happens a day after it closes unless `seed_event_at` is given (None: no event, as
        rounds drawn before they named one).
        """
        self.n += 1
        now = clock.now()
        budgets = budgets or [(self.make.institution(), 300_000_000), (self.make.institution(), 200_000_000)]
        closes_at = closes_at or now + timedelta(days=5)
        event_at = kw.pop("seed_event_at", closes_at + timedelta(days=1))
        round_ = Round(
            code=kw.pop("code", f"T{self.n:03d}-{now.microsecond:06d}")[:20],
            title_ko="테스트 공모",
            title_en="Test round",
            opens_at=opens_at or now - timedelta(days=5),
            closes_at=closes_at,
            seed_event_ko=EVENT_KO if event_at else None,
            seed_event_en=EVENT_EN if event_at else None,
            seed_event_at=event_at,
            cap_krw=cap,
            pass_mark=pass_mark,
            status=status,
            **kw,
        )
        round_.budgets = [RoundInstitution(institution=i, budget_krw=b) for i, b in budgets]
        db.session.add(round_)
        db.session.commit()
        return round_

    def application(
        self,
        round_: Round,
        product=None,
        *,
        amount: int = 50_000_000,
        status: str = "submitted",
        preferred=(),
        company=None,
        **kw,
    ) -> Application:
        """An application row as if submitted (no window check)."""
        product = product or self.make.product(company)
        application = Application(
            round=round_,
            company_id=product.company_id,
            product=product,
            receipt_no=f"R-{product.id}-{round_.id}",
            amount_krw=amount,
            status=status,
            preferred=list(preferred),
            **kw,
        )
        db.session.add(application)
        db.session.commit()
        return application
