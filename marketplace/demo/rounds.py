"""Sample rounds (flask seed-demo): a published round with a reproducible draw, and an open round.

Uses the institutions and listed products of demo/base.py and the dates of demo/timeline.py. The published
round is the latest half-year round whose story lies before the seeding day; its applications are
written as they stood after the close (eligible: the products with a certificate valid on the closing
day); its evaluation committee scores them (demo/verdicts.py). The pool freeze, the draw and publication
then run through the ordinary services as at
their moments (before and after the round's seed event), with a fixed seed, so `flask draw verify CODE`
says MATCH and the audit trail, the draw's timeline and the allocations' dates agree; two objections
follow publication. The open round, the
following half's, is open today, and so is this month's small-value batch (no applications yet: suppliers
apply through the small-value track page, and the worker opens next month's batch from it).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..domain import small_track
from ..domain.clock import kst_text
from ..domain.eligibility import TierFacts, is_first_timer, is_startup, tier_name, weight_for
from ..domain.seed_events import SeedEvent
from ..domain.states import (
    ApplicationStatus,
    CertificateStatus,
    CompanyStatus,
    ProductStatus,
    RoundStatus,
    TrackKind,
)
from ..extensions import db
from ..models import (
    Application,
    Company,
    Institution,
    Product,
    Round,
    RoundInstitution,
    RoundTrack,
    SeedEventAnnouncement,
    User,
)
from ..models.types import as_at
from ..services import draws
from ..services.clock import seoul_today
from ..services.rounds import tiers_of
from . import verdicts
from .timeline import HalfRound, Story, lotto_event, story_for

# The sample numbers are made up: the descriptions say "sample", the format is the one they describe.
SAMPLE_SEED = "05 11 12 29 33 44 + 38"
# Smaller than the pool asks for, so that the draw decides (about two in three are selected).
BUDGETS = {
    "KEPCO": 800_000_000,
    "LH": 600_000_000,
    "EX": 500_000_000,
    "KRC": 400_000_000,
    "KWATER": 400_000_000,
    "KR": 300_000_000,
}
JOINED_BUDGET = 60_000_000
SMALL_BATCH_BUDGETS = {"KEPCO": 100_000_000, "LH": 60_000_000, "KWATER": 40_000_000}
SMALL_BATCH_CAP = 50_000_000
POOL_SIZE = 60
OPEN_APPLICATIONS = 6


def seed() -> list[str]:
    """Create the sample rounds when missing; return what was done."""
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    staff = db.session.scalar(select(User).where(User.email == "ministry@demo.example"))
    story = story_for(seoul_today())
    products = _products_with_certificates(story)
    if staff is None or "KEPCO" not in institutions or not products:
        return ["rounds: skipped (run the base demo data first)"]
    lines = []
    if published_round() is None:
        lines.extend(_published(staff, story, institutions, products[:POOL_SIZE]))
    lines.append(_open_round(story, institutions, products[POOL_SIZE : POOL_SIZE + OPEN_APPLICATIONS]))
    lines.append(_small_batch(story, institutions))
    return [line for line in lines if line]


def published_round() -> Round | None:
    """The demo's published round (the latest, should the demo have been seeded in several halves)."""
    return db.session.scalar(
        select(Round)
        .where(Round.is_sample.is_(True), Round.status == RoundStatus.PUBLISHED)
        .order_by(Round.closes_at.desc())
        .limit(1)
    )


def _products_with_certificates(story: Story) -> list[Product]:
    """Listed products of approved companies with a verified certificate valid on the round's closing day
    (the certificates run on past today: demo/base.py)."""
    day = story.round.close_day
    products = db.session.scalars(
        select(Product)
        .join(Company)
        .where(Product.status == ProductStatus.LISTED, Company.status == CompanyStatus.APPROVED)
        .order_by(Product.id)
    )
    return [
        p
        for p in products
        if any(c.status == CertificateStatus.VERIFIED and c.issued_on <= day <= c.expires_on for c in p.certificates)
    ]


def _round(half: HalfRound, opens_at, closes_at, institutions, budgets, status, event: SeedEvent) -> Round:
    """The round row, its rule published and its seed event announced as it opens."""
    round_ = Round(
        code=half.code,
        title_ko=f"{half.year}년 {'상' if half.half == 1 else '하'}반기 기술개발제품 시범구매",
        title_en=f"{half.year} H{half.half} technology product pilot purchase",
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
    with as_at(opens_at):
        db.session.add(round_)
        db.session.flush()
    return round_


def _budgets() -> dict[str, int]:
    return BUDGETS | {f"INST{n:02d}": JOINED_BUDGET for n in range(7, 27)}


def _published(staff: User, story: Story, institutions, products: list[Product]) -> list[str]:
    half = story.round
    if db.session.scalar(select(Round.id).where(Round.code == half.code)) is not None:
        return [f"rounds: {half.code} is taken by a round that is not sample data; no sample round published"]
    round_ = _round(half, half.opens_at, half.closes_at, institutions, _budgets(), RoundStatus.CLOSED, half.seed_event)
    round_.closed_at = half.closes_at + timedelta(minutes=1)
    budgets = {b.institution.code: b.budget_krw for b in round_.budgets}
    for n, product in enumerate(products):
        application = _closed_application(round_, half, product, n)
        # a preference only for an institution whose round budget could ever cover the amount
        codes = sorted(code for code, budget in budgets.items() if budget >= application.amount_krw)
        application.preferred = [institutions[codes[(n * 5) % len(codes)]]] if n % 4 == 0 and codes else []
        with as_at(application.submitted_at):
            db.session.add(application)
            db.session.flush()
    with as_at(round_.closed_at):
        db.session.commit()
    verdicts.score_committee(staff, round_, half)
    with as_at(half.frozen_at):
        draws.freeze_pool(staff, half.code)
    with as_at(half.drawn_at):
        draws.run_round_draw(staff, half.code, SAMPLE_SEED)
    with as_at(half.published_at):
        draws.publish_round(staff, half.code)
    selected = sum(1 for a in round_.applications if a.status == ApplicationStatus.SELECTED)
    count = len(round_.applications)
    objected = verdicts.object_to_result(staff, round_, half)
    return [f"rounds: {half.code} published ({count} applications, {selected} selected, seed fixed)", objected]


def _closed_application(round_: Round, half: HalfRound, product: Product, n: int) -> Application:
    """The n-th application as the close left it: eligible, with the facts of the closing day (the committee
    scores it: demo/verdicts.py)."""
    company, tiers = product.company, tiers_of(round_)
    facts = TierFacts(
        first_timer=is_first_timer(company.public_supply_count),
        startup=is_startup(company.founded_on, half.close_day),
        public_supply_krw=company.public_supply_krw,
    )
    return Application(
        round=round_,
        company_id=company.id,
        product=product,
        receipt_no=f"{half.code}-S{n + 1:05d}",
        amount_krw=(50 + (n * 37) % 250) * 1_000_000,
        statement="샘플 신청 (sample application)",
        status=ApplicationStatus.ELIGIBLE,
        eligibility_reasons=[],
        weight=weight_for(tiers, **facts),
        submitted_at=half.opens_at + timedelta(hours=7 * n + 3),
        snapshot={
            "as_of": half.close_day.isoformat(),
            "sample": True,
            **facts,
            "tier": tier_name(tiers, **facts),
            "public_supply_count": company.public_supply_count,
        },
    )


def _open_round(story: Story, institutions, products: list[Product]) -> str:
    """The following half's round, open from ten days ago for twenty more days."""
    half = story.open_round
    taken = select(Round.id).where(
        (Round.code == half.code) | (Round.is_sample.is_(True) & (Round.status == RoundStatus.OPEN))
    )
    if db.session.scalar(taken.limit(1)) is not None:
        return ""
    opens_at, closes_at = story.open_round_opens_at, story.open_round_closes_at
    event = lotto_event(story.today + timedelta(days=21))
    round_ = _round(half, opens_at, closes_at, institutions, dict(BUDGETS), RoundStatus.OPEN, event)
    for n, product in enumerate(products):
        application = Application(
            round=round_,
            company_id=product.company_id,
            product=product,
            receipt_no=f"{half.code}-S{n + 1:05d}",
            amount_krw=(80 + 20 * n) * 1_000_000,
            statement="샘플 신청 (sample application)",
            status=ApplicationStatus.SUBMITTED,
            submitted_at=opens_at + timedelta(hours=7 * n + 3),
        )
        with as_at(application.submitted_at):
            db.session.add(application)
            db.session.flush()
    db.session.commit()
    return f"rounds: {half.code} open until {kst_text(round_.closes_at)}"


def _small_batch(story: Story, institutions) -> str:
    """This Seoul month's small-value batch, open from the 1st to the month's end, with its own seed event."""
    year, month = story.today.year, story.today.month
    code = small_track.batch_code(year, month)
    if db.session.scalar(select(Round.id).where(Round.code == code)) is not None:
        return ""
    opens_at, closes_at = small_track.batch_window(year, month)
    event = SeedEvent(*small_track.seed_event(year, month))
    round_ = Round(
        code=code,
        title_ko=f"소액과제 {year}년 {month}월 회차",
        title_en=f"Small-value track, {year}-{month:02d} batch",
        opens_at=opens_at,
        closes_at=closes_at,
        cap_krw=SMALL_BATCH_CAP,
        pass_mark=70,
        status=RoundStatus.OPEN,
        is_sample=True,
        rule_published_at=opens_at,
        seed_event_ko=event.description_ko,
        seed_event_en=event.description_en,
        seed_event_at=event.at,
    )
    round_.seed_event_announcements = [SeedEventAnnouncement.of(round_, event, "", opens_at, None)]
    round_.budgets = [
        RoundInstitution(institution=institutions[c], budget_krw=b)
        for c, b in SMALL_BATCH_BUDGETS.items()
        if c in institutions
    ]
    round_.tracks = [RoundTrack(kind=TrackKind.SMALL, share_percent=100, cap_krw=SMALL_BATCH_CAP)]
    with as_at(opens_at):
        db.session.add(round_)
        db.session.flush()
    db.session.commit()
    return f"rounds: small-value batch {code} open until {kst_text(round_.closes_at)}"
