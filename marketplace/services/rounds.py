"""Rounds: create, open, close (with the eligibility check and snapshot), and the queries pages need."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..domain import rounds as rules
from ..domain import seed_events
from ..domain.clock import kst_text
from ..domain.eligibility import TierFacts, WeightTiers, is_first_timer, is_startup, tier_name, weight_for
from ..domain.errors import N_, NotFound
from ..domain.reference import CATEGORIES
from ..domain.states import (
    ApplicationStatus,
    CompanyStatus,
    InstitutionStatus,
    ProductStatus,
    RoundStatus,
    WindowState,
)
from ..domain.tracks import qualification as track_qualification
from ..extensions import db
from ..models import (
    Application,
    Institution,
    Product,
    Round,
    RoundCategory,
    RoundInstitution,
    SeedEventAnnouncement,
    User,
)
from ..models.types import utcnow
from . import quota, round_opening
from .audit import record_event
from .corrective_actions import blocked_companies


def now() -> datetime:
    """The server's clock; every window decision goes through here (tests replace it)."""
    return utcnow()


@dataclass(frozen=True)
class RoundSettings:
    """What staff enter to create a round; times are UTC instants of KST minutes."""

    code: str
    title_ko: str
    title_en: str
    opens_at: datetime
    closes_at: datetime
    cap_krw: int
    pass_mark: int
    budgets: list[tuple[str, int]]
    weight_first_timer: int = 3
    weight_startup: int = 2
    weight_general: int = 1
    small_record_limit_krw: int = 500_000_000
    # The product categories the round is for (codes of reference.CATEGORIES); none: every category.
    categories: tuple[str, ...] = ()
    # The public event whose outcome will be the seed: optional in a draft, required to open it.
    seed_event_ko: str = ""
    seed_event_en: str = ""
    seed_event_at: datetime | None = None


def get_round(code: str, *, lock: bool = False) -> Round:
    """The round with this code; raises NotFound. With lock, its row is locked (PostgreSQL) for the
    status checks of a write transaction."""
    query = select(Round).where(Round.code == code)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = db.session.scalar(query)
    if found is None:
        raise NotFound(N_("There is no round with code %(code)s."), code=code)
    return found


def tiers_of(round_: Round) -> WeightTiers:
    return WeightTiers(
        round_.weight_first_timer, round_.weight_startup, round_.weight_general, round_.small_record_limit_krw
    )


def _checked_event(settings: RoundSettings) -> seed_events.SeedEvent | None:
    return seed_events.optional_seed_event(
        settings.seed_event_ko, settings.seed_event_en, settings.seed_event_at, settings.closes_at
    )


def _checked(settings: RoundSettings) -> tuple[str, WeightTiers, dict[str, Institution]]:
    """The code, weight tiers and named institutions of valid settings; raises InvalidRoundError, SeedEventError."""
    code = rules.check_round_code(settings.code)
    rules.check_window(settings.opens_at, settings.closes_at)
    _checked_event(settings)
    tiers = WeightTiers(
        settings.weight_first_timer,
        settings.weight_startup,
        settings.weight_general,
        settings.small_record_limit_krw,
    )
    if not 0 <= settings.pass_mark <= 100:
        raise rules.InvalidRoundError(N_("The pass mark is a score from 0 to 100."))
    rules.check_categories(settings.categories, CATEGORIES)
    codes = [c for c, _ in settings.budgets]
    institutions = {i.code: i for i in db.session.scalars(select(Institution).where(Institution.code.in_(codes)))}
    if unknown := [c for c in codes if c not in institutions]:
        raise rules.InvalidRoundError(N_("Unknown institution code: %(codes)s."), codes=", ".join(unknown))
    left = quota.quota_left_by_institution([i.id for i in institutions.values()], rules.closing_day(settings.closes_at))
    rules.check_budgets_within_quota(settings.budgets, {c: left.get(i.id, 0) for c, i in institutions.items()})
    return code, tiers, institutions


def waitlist(round_id: int) -> list[Application]:
    """The round's waitlisted applications in draw order, with their companies and products."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.round_id == round_id, Application.status == ApplicationStatus.WAITLISTED)
            .options(selectinload(Application.company), selectinload(Application.product))
            .order_by(Application.waitlist_position, Application.id)
        )
    )


def budget_institutions(day, also: Collection[int] = frozenset()) -> list[tuple[Institution, int]]:
    """The active institutions (and those with ids in `also`) a round can include, by code, each with what
    its MOUs have left on `day`."""
    institutions = db.session.scalars(
        select(Institution)
        .where((Institution.status == InstitutionStatus.ACTIVE) | Institution.id.in_(list(also)))
        .order_by(Institution.code)
    ).all()
    left = quota.quota_left_by_institution([i.id for i in institutions], day)
    return [(i, left.get(i.id, 0)) for i in institutions]


def _apply(round_: Round, settings: RoundSettings, tiers: WeightTiers, institutions: dict) -> None:
    """Write validated settings onto a draft round; budgets are updated in place, one row per institution."""
    round_.title_ko, round_.title_en = settings.title_ko.strip(), settings.title_en.strip()
    round_.opens_at, round_.closes_at = settings.opens_at, settings.closes_at
    round_.cap_krw, round_.pass_mark = settings.cap_krw, settings.pass_mark
    round_.weight_first_timer, round_.weight_startup = tiers.first_timer, tiers.startup_or_small_record
    round_.weight_general, round_.small_record_limit_krw = tiers.general, tiers.small_record_limit_krw
    event = _checked_event(settings)
    round_.seed_event_ko, round_.seed_event_en, round_.seed_event_at = (
        (event.description_ko, event.description_en, event.at) if event else (None, None, None)
    )
    _apply_categories(round_, rules.check_categories(settings.categories, CATEGORIES))
    _apply_budgets(round_, settings.budgets, institutions)


def _apply_categories(round_: Round, categories: tuple[str, ...]) -> None:
    round_.category_rows[:] = [r for r in round_.category_rows if r.category in categories]
    round_.category_rows.extend(RoundCategory(category=c) for c in categories if c not in round_.categories)


def _apply_budgets(round_: Round, budgets: list[tuple[str, int]], institutions: dict) -> None:
    """One row per institution, updated in place."""
    wanted = dict(budgets)
    for row in [b for b in round_.budgets if b.institution.code not in wanted]:
        round_.budgets.remove(row)
    existing = {b.institution.code: b for b in round_.budgets}
    for code, budget in budgets:
        if code in existing:
            existing[code].budget_krw = budget
        else:
            round_.budgets.append(RoundInstitution(institution=institutions[code], budget_krw=budget))


def create_round(actor: User | None, settings: RoundSettings) -> Round:
    """Create a draft round with its institutions' budgets; raises InvalidRoundError."""
    begin_write()
    code, tiers, institutions = _checked(settings)
    if db.session.scalar(select(Round.id).where(Round.code == code)) is not None:
        raise rules.InvalidRoundError(N_("A round with code %(code)s already exists."), code=code)
    round_ = Round(code=code, status=RoundStatus.DRAFT)
    _apply(round_, settings, tiers, institutions)
    db.session.add(round_)
    record_event(actor, "round.created", round_, after=_rules_of(round_))
    db.session.commit()
    return round_


def update_draft_round(actor: User, code: str, settings: RoundSettings) -> Round:
    """Change a draft round's title, window, rules and budgets (not its code); refused once it has opened."""
    begin_write()
    round_ = get_round(code, lock=True)
    rules.require_status(round_.status, (RoundStatus.DRAFT,), rules.DRAFT_ONLY)
    _code, tiers, institutions = _checked(replace(settings, code=round_.code))
    before = _rules_of(round_)
    _apply(round_, settings, tiers, institutions)
    after = _rules_of(round_)
    if after != before:
        record_event(
            actor,
            "round.updated",
            round_,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    db.session.commit()
    return round_


def _rules_of(round_: Round) -> dict:
    return {
        "code": round_.code,
        "title_ko": round_.title_ko,
        "title_en": round_.title_en,
        "opens_at": round_.opens_at.isoformat(),
        "closes_at": round_.closes_at.isoformat(),
        "cap_krw": round_.cap_krw,
        "pass_mark": round_.pass_mark,
        "weights": [round_.weight_first_timer, round_.weight_startup, round_.weight_general],
        "small_record_limit_krw": round_.small_record_limit_krw,
        "budgets": {b.institution.code: b.budget_krw for b in round_.budgets},
        "categories": round_.categories,
        "seed_event": seed_events.facts(round_.seed_event),
    }


def delete_draft_round(actor: User, code: str) -> None:
    """Delete a draft round (nothing of it was ever public), recording its settings in the audit trail;
    raises NotFound, or RoundError once it has opened."""
    begin_write()
    round_ = get_round(code, lock=True)
    rules.require_status(round_.status, (RoundStatus.DRAFT,), rules.DRAFT_ONLY)
    if round_.applications or round_.seed_event_announcements or round_.committee_members or round_.draw is not None:
        raise rules.RoundError(N_("This round has records of its own and cannot be deleted."))
    record_event(actor, "round.deleted", round_, before={"status": RoundStatus.DRAFT, **_rules_of(round_)})
    db.session.delete(round_)
    db.session.commit()


def open_round(actor: User | None, code: str) -> Round:
    """Open a draft round, publishing its rules; refused once its window has passed."""
    begin_write()
    round_ = get_round(code, lock=True)
    rules.require_status(round_.status, (RoundStatus.DRAFT,), N_("Only a draft round can be opened."))
    moment = now()
    if rules.window_state(round_.opens_at, round_.closes_at, moment) == WindowState.AFTER:
        raise rules.RoundError(N_("This round's window has already passed; it cannot be opened."))
    event = seed_events.require_event_to_open(round_.seed_event)
    round_.status, round_.rule_published_at = RoundStatus.OPEN, moment
    db.session.add(SeedEventAnnouncement.of(round_, event, "", moment, actor))
    record_event(
        actor,
        "round.opened",
        round_,
        before={"status": RoundStatus.DRAFT},
        after={
            "status": RoundStatus.OPEN,
            "rule_published_at": moment.isoformat(),
            "seed_event": seed_events.facts(event),
        },
    )
    round_id = round_.id  # read before the commit: reading it after would begin a transaction the job outlives
    db.session.commit()
    round_opening.announce_later(round_id)
    return round_


def close_round(actor: User | None, code: str, *, at: datetime | None = None) -> Round:
    """Close an open round after its window and check every application; raises RoundError before then."""
    begin_write()
    round_ = get_round(code, lock=True)
    rules.require_status(round_.status, (RoundStatus.OPEN,), N_("Only an open round can be closed."))
    moment = at or now()
    if rules.window_state(round_.opens_at, round_.closes_at, moment) != WindowState.AFTER:
        raise rules.RoundError(
            N_("The window is still open until %(closes)s; the round cannot close yet."),
            closes=kst_text(round_.closes_at),
        )
    _close(actor, round_, moment)
    round_id = round_.id  # read before the commit: reading it after would begin a transaction the job outlives
    db.session.commit()
    round_opening.results_later(round_id, round_opening.ELIGIBILITY)
    return round_


def close_if_due(round_: Round) -> bool:
    """Close an open round whose window has passed (any page that shows it calls this); True if it did."""
    if (
        round_.status != RoundStatus.OPEN
        or rules.window_state(round_.opens_at, round_.closes_at, now()) != WindowState.AFTER
    ):
        return False  # the common case: a page that only reads takes no write lock
    round_id = round_.id
    begin_write()
    locked = db.session.scalars(
        select(Round).where(Round.id == round_id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if locked.status != RoundStatus.OPEN:  # another request closed it first
        return False
    _close(None, locked, now())
    db.session.commit()
    round_opening.results_later(round_id, round_opening.ELIGIBILITY)
    return True


def close_now(actor: User | None, round_: Round, moment: datetime) -> None:
    """Close an open round at `moment` inside the caller's write transaction, checking its applications
    (a need's round: its shortlist is checked as it is sent to the committee)."""
    _close(actor, round_, moment)


def _close(actor: User | None, round_: Round, moment: datetime) -> None:
    """Mark every submitted application eligible or ineligible with its reasons and a snapshot."""
    day = rules.closing_day(round_.closes_at)
    tiers = tiers_of(round_)
    applications = db.session.scalars(
        select(Application)
        .where(Application.round_id == round_.id, Application.status == ApplicationStatus.SUBMITTED)
        .options(
            selectinload(Application.company),
            selectinload(Application.product).selectinload(Product.certificates),
        )
    ).all()
    counts: dict[str, int] = {ApplicationStatus.ELIGIBLE: 0, ApplicationStatus.INELIGIBLE: 0}
    blocked = blocked_companies(a.company_id for a in applications)
    for application in applications:
        _check(actor, application, round_, day, tiers, application.company_id in blocked)
        counts[application.status] += 1
    round_.status, round_.closed_at = RoundStatus.CLOSED, moment
    from .committee import assign_at_close  # the committee's module reads rounds through this one

    assign_at_close(actor, round_)
    record_event(
        actor,
        "round.closed",
        round_,
        before={"status": RoundStatus.OPEN},
        after={"status": RoundStatus.CLOSED, **counts},
    )


def _track_terms(application: Application, round_: Round, day, tiers: WeightTiers) -> tuple[WeightTiers, int, dict]:
    """The weights and cap that apply to the application (its track's, or the round's), and the track's
    facts for the snapshot: its kind and whether the company still qualified for it at close, and why."""
    track = application.track
    if track is None:
        return tiers, round_.cap_krw, {}
    own = WeightTiers(
        track.weight_first_timer, track.weight_startup, track.weight_general, round_.small_record_limit_krw
    )
    company = application.company
    found = track_qualification(
        track.kind,
        founded_on=company.founded_on,
        close_day=day,
        public_supply_krw=company.public_supply_krw,
        record_limit_krw=track.record_limit_krw,
        public_supply_count=company.public_supply_count,
    )
    facts = {"kind": track.kind, "qualifies": found.qualifies, "reason": found.reason, "params": dict(found.params)}
    return own, track.cap_krw, {"track": facts}


def _check(actor, application: Application, round_: Round, day, tiers: WeightTiers, blocked: bool) -> None:
    company, product = application.company, application.product
    tiers, cap, track = _track_terms(application, round_, day, tiers)
    valid = [c for c in product.certificates if c.company_id == company.id and c.is_valid_on(day)]
    reasons = rules.eligibility_reasons(
        rules.EligibilityFacts(
            company_approved=company.status == CompanyStatus.APPROVED,
            certificate_valid=bool(valid),
            product_listed=product.status == ProductStatus.LISTED,
            amount=application.amount_krw,
            cap=cap,
            corrective_action_open=blocked,
            track_qualified=track.get("track", {}).get("qualifies", True),
        )
    )
    startup = is_startup(company.founded_on, day)
    first_timer = is_first_timer(company.public_supply_count)
    facts = TierFacts(first_timer=first_timer, startup=startup, public_supply_krw=company.public_supply_krw)
    application.snapshot = {
        "as_of": day.isoformat(),
        "founded_on": company.founded_on.isoformat(),
        "startup": startup,
        "first_timer": first_timer,
        "public_supply_krw": company.public_supply_krw,
        "public_supply_count": company.public_supply_count,
        "company_status": company.status,
        "product_status": product.status,
        "tier": tier_name(tiers, **facts),
        "weight": weight_for(tiers, **facts),
        "certificates": [{"id": c.id, "number": c.number, "expires_on": c.expires_on.isoformat()} for c in valid],
        **track,
    }
    application.weight = application.snapshot["weight"]
    application.eligibility_reasons = reasons
    application.status = ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE
    record_event(
        actor,
        "application.checked",
        application,
        before={"status": ApplicationStatus.SUBMITTED},
        after={"status": application.status, "reasons": reasons, "tier": application.snapshot["tier"]},
    )


def close_due_rounds() -> list[str]:
    """Close every open round whose window has passed; return their codes."""
    closed = []
    for round_ in db.session.scalars(select(Round).where(Round.status == RoundStatus.OPEN)).all():
        if close_if_due(round_):
            closed.append(round_.code)
    return closed
