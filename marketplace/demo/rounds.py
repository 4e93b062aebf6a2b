"""Sample rounds (flask seed-demo): the published 2018-H2 round with a reproducible draw, and an open round.

Uses the institutions and listed products of demo/base.py. The 2018 applications are written as they
stood after the close (the sample certificates are dated relative to today, so the normal close check
against 14 Sep 2018 would find them all expired); the pool freeze, the draw and publication then run
through the ordinary services with a fixed seed, so `flask draw verify 2018-H2` says MATCH.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..domain import rounds as rules
from ..domain.selection import tier_name, weight_for
from ..extensions import db
from ..models import Application, Company, Institution, Product, Round, RoundInstitution, User
from ..services import draws
from ..services.rounds import tiers_of

SEED_2018 = "2018-H2 sample: Lotto 6/45 draw 824, 2018-09-15: 05 11 12 29 33 44 + 38"
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
            .where(Product.status == "listed", Company.status == "approved")
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


def _round(code, title_ko, title_en, opens_at, closes_at, institutions, budgets, status) -> Round:
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
    )
    round_.budgets = [
        RoundInstitution(institution=institutions[c], budget_krw=b)
        for c, b in budgets.items()
        if c in institutions
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
        "closed",
    )
    round_.closed_at = closes_at + timedelta(minutes=1)
    tiers, day = tiers_of(round_), rules.closing_day(closes_at)
    codes = sorted(round_budget.institution.code for round_budget in round_.budgets)
    for n, product in enumerate(products[:60]):
        company = product.company
        facts = dict(
            first_timer=company.public_supply_count == 0,
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
            status="eligible",
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
    draws.freeze_pool(staff, "2018-H2")
    draws.run_round_draw(
        staff, "2018-H2", SEED_2018, "Lotto 6/45 draw 824 (2018-09-15), announced in the call"
    )
    draws.publish_round(staff, "2018-H2")
    draw = round_.draw
    draw.frozen_at = datetime(2018, 9, 21, 1, 0, tzinfo=UTC)
    draw.drawn_at = datetime(2018, 9, 21, 2, 0, tzinfo=UTC)
    draw.published_at = datetime(2018, 9, 21, 5, 0, tzinfo=UTC)
    db.session.commit()
    selected = sum(1 for a in round_.applications if a.status == "selected")
    count = len(round_.applications)
    return f"rounds: 2018-H2 published ({count} applications, {selected} selected, seed fixed)"


def _open_round(institutions, products: list[Product]) -> str:
    now = datetime.now(UTC)
    today = now.astimezone(rules.SEOUL).date()
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
        "open",
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
                status="submitted",
            )
        )
    db.session.commit()
    return f"rounds: {code} open until {round_.closes_at.astimezone(rules.SEOUL):%Y-%m-%d %H:%M} KST"
