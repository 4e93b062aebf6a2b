"""Sample rounds (flask seed-demo): the published 2018-H2 round with a reproducible draw, and an open round.

Uses the institutions and listed products of demo/base.py. The 2018 applications are written as they
stood after the close (the sample certificates are dated relative to today, so the normal close check
against 14 Sep 2018 would find them all expired); the pool freeze, the draw and publication then run
through the ordinary services with a fixed seed, so `flask draw verify 2018-H2` says MATCH. The freeze
and the draw run at their 2018 moments (before and after the round's seed event), so the published
timeline is consistent; publication runs today, so the sample selections are valid for orders now.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..domain import rounds as rules
from ..domain.clock import kst_text, seoul_date
from ..domain.eligibility import is_first_timer, tier_name, weight_for
from ..domain.seed_events import SeedEvent
from ..domain.states import ApplicationStatus, CompanyStatus, ProductStatus, RoundStatus
from ..extensions import db
from ..models import Application, Company, Institution, Product, Round, RoundInstitution, SeedEventAnnouncement, User
from ..services import draws
from ..services import rounds as round_service
from ..services.rounds import tiers_of

# The sample numbers are made up: the descriptions say "sample", the format is the one they describe.
SEED_2018 = "05 11 12 29 33 44 + 38"
LOTTO_FIRST_DRAW = date(2002, 12, 7)  # a Saturday; Lotto 6/45 draws weekly at 20:45 KST since then
FROZEN_2018 = datetime(2018, 9, 21, 1, 0, tzinfo=UTC)  # 10:00 KST, before the seed event
DRAWN_2018 = datetime(2018, 9, 27, 1, 0, tzinfo=UTC)  # 10:00 KST, after it
# Smaller than the pool asks for, so that the draw decides (about two in three are selected).
BUDGETS_2018 = {
    "KEPCO": 800_000_000,
    "LH": 600_000_000,
    "EX": 500_000_000,
    "KRC": 400_000_000,
    "KWATER": 400_000_000,
    "KR": 300_000_000,
}
JOINED_BUDGET = 60_000_000


def seed() -> list[str]:
    """Create the sample rounds when missing; return what was done."""
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    staff = db.session.scalar(select(User).where(User.email == "ministry@demo.example"))
    products = list(
        db.session.scalars(
            select(Product)
            .join(Company)
            .where(Product.status == ProductStatus.LISTED, Company.status == CompanyStatus.APPROVED)
            .order_by(Product.id)
        )
    )
    if staff is None or "KEPCO" not in institutions or not products:
        return ["rounds: skipped (run the base demo data first)"]
    lines = []
    if db.session.scalar(select(Round.id).where(Round.code == "2018-H2")) is None:
        lines.append(_published_2018(staff, institutions, products))
    lines.append(_open_round(institutions, products))
    return [line for line in lines if line]


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


@contextmanager
def services_clock(moment: datetime) -> Iterator[None]:
    """Run the round services as at `moment`: the sample round's freeze and draw at their 2018 times."""
    real = round_service.now
    round_service.now = lambda: moment
    try:
        yield
    finally:
        round_service.now = real


def _round(code, title_ko, title_en, opens_at, closes_at, institutions, budgets, status, event) -> Round:
    round_ = Round(
        code=code,
        title_ko=title_ko,
        title_en=title_en,
        opens_at=opens_at,
        closes_at=closes_at,
        cap_krw=300_000_000,
        pass_mark=70,
        status=status,
        is_sample=True,
        weight_first_timer=3,
        weight_startup=2,
        weight_general=1,
        small_record_limit_krw=500_000_000,
        rule_published_at=opens_at,
        seed_event_ko=event.description_ko,
        seed_event_en=event.description_en,
        seed_event_at=event.at,
    )
    round_.seed_event_announcements = [SeedEventAnnouncement.of(round_, event, "", opens_at, None)]
    round_.budgets = [
        RoundInstitution(institution=institutions[c], budget_krw=b) for c, b in budgets.items() if c in institutions
    ]
    db.session.add(round_)
    return round_


def _budgets_2018(institutions) -> dict[str, int]:
    budgets = dict(BUDGETS_2018)
    budgets.update({f"INST{n:02d}": JOINED_BUDGET for n in range(7, 27)})
    return budgets


def _published_2018(staff: User, institutions, products: list[Product]) -> str:
    opens_at = rules.kst_minute(date(2018, 8, 16), time(9, 0))
    closes_at = rules.kst_minute(date(2018, 9, 14), time(18, 0))
    round_ = _round(
        "2018-H2",
        "2018년 하반기 기술개발제품 시범구매",
        "2018 H2 technology product pilot purchase",
        opens_at,
        closes_at,
        institutions,
        _budgets_2018(institutions),
        RoundStatus.CLOSED,
        lotto_event(date(2018, 9, 22)),
    )
    round_.closed_at = closes_at + timedelta(minutes=1)
    tiers, day = tiers_of(round_), rules.closing_day(closes_at)
    codes = sorted(round_budget.institution.code for round_budget in round_.budgets)
    for n, product in enumerate(products[:60]):
        company = product.company
        facts = dict(
            first_timer=is_first_timer(company.public_supply_count),
            startup=(n % 3 == 0),
            public_supply_krw=company.public_supply_krw,
        )
        application = Application(
            round=round_,
            company_id=company.id,
            product=product,
            receipt_no=f"2018-H2-S{n + 1:05d}",
            amount_krw=(50 + (n * 37) % 250) * 1_000_000,
            statement="샘플 신청 (sample application)",
            status=ApplicationStatus.ELIGIBLE,
            eligibility_reasons=[],
            weight=weight_for(tiers, **facts),
            submitted_at=opens_at + timedelta(hours=7 * n + 3),
            snapshot={
                "as_of": day.isoformat(),
                "sample": True,
                **facts,
                "tier": tier_name(tiers, **facts),
                "public_supply_count": company.public_supply_count,
            },
            score_innovation=20 + (n * 7) % 21,
            score_capability=15 + (n * 5) % 16,
            score_need=15 + (n * 3) % 16,
            scored_at=closes_at + timedelta(days=5),
        )
        application.preferred = [institutions[codes[(n * 5) % len(codes)]]] if n % 4 == 0 else []
        db.session.add(application)
    db.session.commit()
    with services_clock(FROZEN_2018):
        draws.freeze_pool(staff, "2018-H2")
    with services_clock(DRAWN_2018):
        draws.run_round_draw(staff, "2018-H2", SEED_2018)
    draws.publish_round(staff, "2018-H2")
    round_.draw.published_at = DRAWN_2018 + timedelta(hours=4)
    db.session.commit()
    selected = sum(1 for a in round_.applications if a.status == ApplicationStatus.SELECTED)
    count = len(round_.applications)
    return f"rounds: 2018-H2 published ({count} applications, {selected} selected, seed fixed)"


def _open_round(institutions, products: list[Product]) -> str:
    now = datetime.now(UTC)
    today = seoul_date(now)
    code = f"{today.year}-H{1 if today.month <= 6 else 2}"
    if db.session.scalar(select(Round.id).where(Round.code == code)) is not None:
        return ""
    round_ = _round(
        code,
        f"{today.year}년 {'상' if today.month <= 6 else '하'}반기 기술개발제품 시범구매",
        f"{code} technology product pilot purchase",
        rules.kst_minute(today - timedelta(days=10), time(9, 0)),
        rules.kst_minute(today + timedelta(days=20), time(18, 0)),
        institutions,
        {c: b for c, b in BUDGETS_2018.items()},
        RoundStatus.OPEN,
        lotto_event(today + timedelta(days=21)),
    )
    for n, product in enumerate(products[60:66]):
        db.session.add(
            Application(
                round=round_,
                company_id=product.company_id,
                product=product,
                receipt_no=f"{code}-S{n + 1:05d}",
                amount_krw=(80 + 20 * n) * 1_000_000,
                statement="샘플 신청 (sample application)",
                status=ApplicationStatus.SUBMITTED,
            )
        )
    db.session.commit()
    return f"rounds: {code} open until {kst_text(round_.closes_at)}"
