"""Rounds, applications, the frozen pool, the draw and its allocations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.committee import from_hundredths
from ..domain.seed_events import SeedEvent
from ..domain.states import AllocationChangeKind, AllocationStatus, ApplicationStatus, RoundStatus, TrackKind
from ..extensions import Model, db
from .types import BigId, Money, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .committee import CommitteeMember
    from .companies import Company, Product
    from .institutions import Institution

application_preferences = Table(
    "application_preferences",
    db.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("institution_id", ForeignKey("institutions.id"), primary_key=True),
)


class Round(Model):
    __tablename__ = "rounds"
    __table_args__ = (
        check_in("status", RoundStatus),
        CheckConstraint("opens_at < closes_at", name="window"),
        CheckConstraint("cap_krw > 0", name="cap_positive"),
        CheckConstraint("seed_event_at IS NULL OR seed_event_at > closes_at", name="seed_event_after_close"),
        CheckConstraint(
            "(seed_event_at IS NULL AND seed_event_ko IS NULL AND seed_event_en IS NULL) OR "
            "(seed_event_at IS NOT NULL AND seed_event_ko IS NOT NULL AND seed_event_en IS NOT NULL)",
            name="seed_event_complete",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title_ko: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cap_krw: Mapped[int] = mapped_column(Money)
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    weight_first_timer: Mapped[int] = mapped_column(Integer, default=3)
    weight_startup: Mapped[int] = mapped_column(Integer, default=2)
    weight_general: Mapped[int] = mapped_column(Integer, default=1)
    small_record_limit_krw: Mapped[int] = mapped_column(Money, default=500_000_000)
    status: Mapped[str] = mapped_column(String(20), default=RoundStatus.DRAFT)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the rules went public (the round opened), and the public event whose outcome is the seed:
    # named in the rules, announced again (with a reason) only when the freeze could not precede it.
    # Empty for rounds drawn before rounds named their seed event.
    rule_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seed_event_ko: Mapped[str | None] = mapped_column(Text)
    seed_event_en: Mapped[str | None] = mapped_column(Text)
    seed_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A round with an evaluation committee: when staff made its scores final (each application's committee
    # score written), and the minutes as canonical JSON with their SHA-256 (the certificate cites them).
    scores_finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scores_finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    minutes_json: Mapped[str | None] = mapped_column(Text)
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))

    budgets: Mapped[list[RoundInstitution]] = relationship(back_populates="round", cascade="all, delete-orphan")
    # The product categories the round is for; none: every category.
    category_rows: Mapped[list[RoundCategory]] = relationship(
        cascade="all, delete-orphan", order_by="RoundCategory.category"
    )
    applications: Mapped[list[Application]] = relationship(back_populates="round", order_by="Application.id")
    draw: Mapped[Draw | None] = relationship(back_populates="round", uselist=False)
    seed_event_announcements: Mapped[list[SeedEventAnnouncement]] = relationship(
        back_populates="round", order_by="SeedEventAnnouncement.id"
    )
    committee_members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="round", order_by="CommitteeMember.id"
    )
    # Empty: the round draws as one pool. Set on the draft, public from the opening (domain/tracks.py).
    tracks: Mapped[list[RoundTrack]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundTrack.id"
    )

    @property
    def categories(self) -> list[str]:
        """The product category codes the round is for, in code order; empty: every category."""
        return [row.category for row in self.category_rows]

    @property
    def seed_event(self) -> SeedEvent | None:
        """The seed event the rules name now; None for a draft without one, or a round drawn before."""
        if self.seed_event_at is None or self.seed_event_ko is None or self.seed_event_en is None:
            return None  # the three are set together (the seed_event_complete check)
        return SeedEvent(self.seed_event_ko, self.seed_event_en, self.seed_event_at)


class SeedEventAnnouncement(Model):
    """A seed event as published: with the rules when the round opened, or later in place of another."""

    __tablename__ = "seed_event_announcements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    description_ko: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    event_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")  # empty for the event published with the rules
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    announced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship(back_populates="seed_event_announcements")

    @classmethod
    def of(cls, round_: Round, event: SeedEvent, reason: str, moment: datetime, actor) -> SeedEventAnnouncement:
        """The published record of `event` for `round_`, announced at `moment` by `actor`."""
        return cls(
            round=round_,
            description_ko=event.description_ko,
            description_en=event.description_en,
            event_at=event.at,
            reason=reason,
            announced_at=moment,
            announced_by_id=actor.id if actor else None,
        )


class RoundCategory(Model):
    """A product category a round is for (a round with none is for every category)."""

    __tablename__ = "round_categories"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True)


class RoundTrack(Model):
    """A track of a round: its share of the round's budget, cap per application, weights and who qualifies."""

    __tablename__ = "round_tracks"
    __table_args__ = (
        UniqueConstraint("round_id", "kind", name="uq_round_tracks_round_kind"),
        check_in("kind", TrackKind),
        CheckConstraint("share_percent >= 1 AND share_percent <= 100", name="share_range"),
        CheckConstraint("cap_krw > 0", name="cap_positive"),
        CheckConstraint(
            f"(kind = '{TrackKind.GENERAL.value}' AND record_limit_krw IS NOT NULL) OR "
            f"(kind <> '{TrackKind.GENERAL.value}' AND record_limit_krw IS NULL)",
            name="record_limit_for_general",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    share_percent: Mapped[int] = mapped_column(Integer)
    cap_krw: Mapped[int] = mapped_column(Money)
    weight_first_timer: Mapped[int] = mapped_column(Integer, default=3)
    weight_startup: Mapped[int] = mapped_column(Integer, default=2)
    weight_general: Mapped[int] = mapped_column(Integer, default=1)
    record_limit_krw: Mapped[int | None] = mapped_column(Money)  # general track: record must be under it

    round: Mapped[Round] = relationship(back_populates="tracks")


class RoundInstitution(Model):
    """An institution taking part in a round, with the budget it puts in."""

    __tablename__ = "round_institutions"
    __table_args__ = (CheckConstraint("budget_krw > 0", name="budget_positive"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
    budget_krw: Mapped[int] = mapped_column(Money)

    round: Mapped[Round] = relationship(back_populates="budgets")
    institution: Mapped[Institution] = relationship()


class Application(Model):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("round_id", "product_id", name="uq_applications_round_product"),
        CheckConstraint("amount_krw > 0", name="amount_positive"),
        check_in("status", ApplicationStatus),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(30), unique=True)
    amount_krw: Mapped[int] = mapped_column(Money)
    statement: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED)
    # Filled at close: reasons (list of codes) and the company's data as of close.
    eligibility_reasons: Mapped[list | None] = mapped_column(JSON)
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    weight: Mapped[int | None] = mapped_column(Integer)
    score_innovation: Mapped[int | None] = mapped_column(Integer)
    score_capability: Mapped[int | None] = mapped_column(Integer)
    score_need: Mapped[int | None] = mapped_column(Integer)
    # The committee's trimmed mean in hundredths of a point, written when staff finalise a committee's scores
    committee_score_hundredths: Mapped[int | None] = mapped_column(Integer)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")  # the supplier's, shown back to them
    # The one track the supplier chose, in a round with tracks; empty in a round without.
    track_id: Mapped[int | None] = mapped_column(ForeignKey("round_tracks.id"), index=True)

    round: Mapped[Round] = relationship(back_populates="applications")
    company: Mapped[Company] = relationship()
    product: Mapped[Product] = relationship()
    preferred: Mapped[list[Institution]] = relationship(secondary=application_preferences)
    track: Mapped[RoundTrack | None] = relationship()

    @property
    def total_score(self) -> Decimal | int | None:
        """The score held against the pass mark: the committee's (final) when the round had a committee,
        else the three scores staff typed added up."""
        if self.committee_score_hundredths is not None:
            return from_hundredths(self.committee_score_hundredths)
        if self.score_innovation is None or self.score_capability is None or self.score_need is None:
            return None
        return self.score_innovation + self.score_capability + self.score_need


class Draw(Model):
    """The frozen pool manifest (published before the seed) and, once run, the draw result."""

    __tablename__ = "draws"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), unique=True)
    rule_version: Mapped[str] = mapped_column(String(20))
    manifest_json: Mapped[str] = mapped_column(Text)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    seed: Mapped[str | None] = mapped_column(String(200))
    seed_source: Mapped[str] = mapped_column(Text, default="")
    result_json: Mapped[str | None] = mapped_column(Text)
    expected_rates: Mapped[dict | None] = mapped_column(JSON)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship(back_populates="draw")


class Allocation(Model):
    """A selected application's allocation to one institution: what an order rests on."""

    __tablename__ = "allocations"
    __table_args__ = (
        check_in("status", AllocationStatus),
        CheckConstraint("amount_krw > 0", name="amount_positive"),
        CheckConstraint("ordered_krw >= 0 AND ordered_krw <= amount_krw", name="ordered_within_amount"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    amount_krw: Mapped[int] = mapped_column(Money)
    # What the institution's orders on it (not cancelled) add up to: changed with each order and
    # cancellation in the same transaction, never more than amount_krw.
    ordered_krw: Mapped[int] = mapped_column(Money, default=0)
    rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=AllocationStatus.ACTIVE)
    via_waitlist: Mapped[bool] = mapped_column(default=False)
    # The first contract date an order may rest on it: empty for the draw's allocations (the round's
    # publication day), the day of the move or the refill for an allocation that came later.
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship()
    application: Mapped[Application] = relationship()
    institution: Mapped[Institution] = relationship()

    @property
    def remaining_krw(self) -> int:
        return self.amount_krw - (self.ordered_krw or 0)


class AllocationChange(Model):
    """A ministry move of an allocation to another institution, or a refill from the waitlist.

    `from_allocation` is the allocation moved away (now 'moved') or the withdrawn one whose budget was
    refilled; `to_allocation` is the new one. Each allocation is the start of at most one change.
    Orders keep pointing at the allocation they rested on. No actor: refilled at a supplier's withdrawal.
    """

    __tablename__ = "allocation_changes"
    __table_args__ = (check_in("kind", AllocationChangeKind),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id"), unique=True)
    to_allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_allocation: Mapped[Allocation] = relationship(foreign_keys=[from_allocation_id])
    to_allocation: Mapped[Allocation] = relationship(foreign_keys=[to_allocation_id])
    actor: Mapped[User | None] = relationship()
