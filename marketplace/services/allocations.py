"""Ministry changes to a published round's allocations: move one to another institution, refill a withdrawn
one from the waitlist; and the list of changes the round pages show. Rules: domain/allocations.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..database import begin_write
from ..domain import allocations as rules
from ..domain import selection
from ..domain.clock import seoul_date
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import (
    AllocationChangeKind,
    AllocationStatus,
    ApplicationStatus,
    InstitutionStatus,
    OrderStatus,
    RoundStatus,
)
from ..extensions import db
from ..models import Allocation, AllocationChange, Application, Institution, Order, Round, User
from . import applications, notices, redraw_results
from . import rounds as round_service
from .audit import record_event
from .outbox import request_delivery


@dataclass(frozen=True)
class Target:
    """An institution of the round the allocation could move to, and its round budget left."""

    institution: Institution
    budget_left_krw: int
    allowed: bool  # the rules let the allocation move there (budget, preference, active)


_LOAD = (
    joinedload(Allocation.round).joinedload(Round.draw),
    joinedload(Allocation.institution),
    joinedload(Allocation.application).joinedload(Application.product),
    joinedload(Allocation.application).joinedload(Application.company),
)


def get_allocation(allocation_id: int, *, lock: bool = False) -> Allocation:
    """The allocation with its round, institution and product; NotFound when there is none."""
    query = select(Allocation).options(*_LOAD).where(Allocation.id == allocation_id)
    if lock:
        query = query.with_for_update(of=Allocation).execution_options(populate_existing=True)
    allocation = db.session.scalar(query)
    if allocation is None:
        raise NotFound(N_("There is no such allocation."))
    return allocation


def budgets_left(round_: Round) -> dict[int, int]:
    """Each participating institution's round budget less its active allocations, by institution id."""
    used = dict(
        db.session.execute(
            select(Allocation.institution_id, func.sum(Allocation.amount_krw))
            .where(Allocation.round_id == round_.id, Allocation.status == AllocationStatus.ACTIVE)
            .group_by(Allocation.institution_id)
        ).all()
    )
    return {b.institution_id: b.budget_krw - int(used.get(b.institution_id) or 0) for b in round_.budgets}


def _locked(allocation_id: int) -> tuple[Round, Allocation]:
    """The round, then the allocation, locked in the order a supplier's withdrawal takes them."""
    round_code = db.session.scalar(
        select(Round.code).join(Allocation, Allocation.round_id == Round.id).where(Allocation.id == allocation_id)
    )
    if round_code is None:
        db.session.rollback()
        raise NotFound(N_("There is no such allocation."))
    round_ = round_service.get_round(round_code, lock=True)
    return round_, get_allocation(allocation_id, lock=True)


def _open_orders(allocation_id: int) -> int:
    return db.session.execute(
        select(func.count(Order.id)).where(Order.allocation_id == allocation_id, Order.status != OrderStatus.CANCELLED)
    ).scalar_one()


def _move_facts(allocation: Allocation, target: Institution | None, left: dict[int, int]) -> rules.MoveFacts:
    preferred = {i.id for i in allocation.application.preferred}
    return rules.MoveFacts(
        round_published=allocation.round.status == RoundStatus.PUBLISHED,
        allocation_active=allocation.status == AllocationStatus.ACTIVE
        and allocation.application.status == ApplicationStatus.SELECTED,
        open_orders=_open_orders(allocation.id),
        target_found=target is not None,
        target_active=target is not None and target.status == AllocationStatus.ACTIVE,
        target_in_round=target is not None and target.id in left,
        target_is_current=target is not None and target.id == allocation.institution_id,
        target_preferred=not preferred or (target is not None and target.id in preferred),
        target_budget_left_krw=left.get(target.id, 0) if target is not None else 0,
        amount_krw=allocation.amount_krw,
    )


def move_targets(allocation: Allocation) -> list[Target]:
    """The round's other institutions, by code, with their budget left and whether the move is allowed."""
    left = budgets_left(allocation.round)
    institutions = sorted((b.institution for b in allocation.round.budgets), key=lambda i: i.code)
    preferred = {i.id for i in allocation.application.preferred}
    return [
        Target(
            i,
            left[i.id],
            i.status == InstitutionStatus.ACTIVE
            and left[i.id] >= allocation.amount_krw
            and (not preferred or i.id in preferred),
        )
        for i in institutions
        if i.id != allocation.institution_id
    ]


def move(actor: User, allocation_id: int, institution_id: int | None, reason: str) -> Allocation:
    """Move an allocation on which no order rests to another institution of the round; returns the new
    allocation (valid from today) and leaves the old one 'moved'. Raises NotFound or
    AllocationChangeRefused with every reason."""
    rules.check_reason(reason)
    begin_write()
    round_, allocation = _locked(allocation_id)
    target = db.session.get(Institution, institution_id) if institution_id else None
    failures = rules.move_failures(_move_facts(allocation, target, budgets_left(round_)))
    if failures or target is None:  # no target is one of the failures
        db.session.rollback()
        raise failures[0]
    moment = round_service.now()
    allocation.status = AllocationStatus.MOVED
    new = Allocation(
        round_id=round_.id,
        application_id=allocation.application_id,
        institution_id=target.id,
        amount_krw=allocation.amount_krw,
        rank=allocation.rank,
        via_waitlist=allocation.via_waitlist,
        valid_from=seoul_date(moment),
        valid_until=allocation.valid_until,
    )
    db.session.add(new)
    db.session.flush()
    db.session.add(
        AllocationChange(
            round_id=round_.id,
            kind=AllocationChangeKind.MOVED,
            from_allocation_id=allocation.id,
            to_allocation_id=new.id,
            reason=reason.strip(),
            actor_id=actor.id,
            created_at=moment,
        )
    )
    record_event(
        actor,
        "allocation.moved",
        new,
        company_id=allocation.application.company_id,
        before={"allocation_id": allocation.id, "institution": allocation.institution.code},
        after={"allocation_id": new.id, "institution": target.code, "amount_krw": new.amount_krw},
        reason=reason.strip(),
    )
    notices.allocation_changed(new, "moved", reason.strip())
    db.session.commit()
    request_delivery()
    return new


def _refilled(allocation_id: int) -> bool:
    return (
        db.session.scalar(select(AllocationChange.id).where(AllocationChange.from_allocation_id == allocation_id))
        is not None
    )


def _first_that_fits(round_: Round) -> selection.Allocation | None:
    if round_.draw is None or round_.draw.seed is None or round_.draw.published_at is None:
        return None  # no draw to take a waitlist from (rounds made by hand)
    manifest = redraw_results.effective(round_)[0]
    return selection.promote_from_waitlist(manifest, applications.current_result(round_, manifest))[1]


def refill_preview(allocation: Allocation) -> tuple[DomainError | None, Application | None, Institution | None]:
    """Why a refill cannot happen, or which waitlisted application would take which institution's budget."""
    refusal = rules.refill_failure(
        round_published=allocation.round.status == RoundStatus.PUBLISHED,
        allocation_withdrawn=allocation.status == AllocationStatus.WITHDRAWN,
        already_refilled=_refilled(allocation.id),
    )
    if refusal is not None:
        return refusal, None, None
    promoted = _first_that_fits(allocation.round)
    if promoted is None:
        return _none_fits(), None, None
    institution = next(
        b.institution for b in allocation.round.budgets if b.institution.code == promoted.institution_code
    )
    return None, db.session.get(Application, promoted.app_id), institution


def _none_fits() -> DomainError:
    return rules.AllocationChangeRefused(N_("No waitlisted application fits the round budget left."))


def refill(actor: User, allocation_id: int, reason: str) -> Allocation:
    """Give a withdrawn allocation's budget to the first waitlisted application that fits (DESIGN 4.5),
    when the withdrawal promoted nobody; returns the new allocation. Raises NotFound or
    AllocationChangeRefused."""
    rules.check_reason(reason)
    begin_write()
    round_, allocation = _locked(allocation_id)
    refusal = rules.refill_failure(
        round_published=round_.status == RoundStatus.PUBLISHED,
        allocation_withdrawn=allocation.status == AllocationStatus.WITHDRAWN,
        already_refilled=_refilled(allocation.id),
    )
    if refusal is None:
        promoted = _first_that_fits(round_)
        if promoted is not None:
            new = applications.promote(round_, promoted, allocation, actor, reason.strip())
            db.session.commit()
            request_delivery()
            return new
        refusal = _none_fits()
    db.session.rollback()
    raise refusal


def changes_of(round_id: int) -> list[AllocationChange]:
    """The round's allocation changes, oldest first, with what the pages print: one query."""
    sides = [
        joinedload(side).joinedload(Allocation.institution)
        for side in (AllocationChange.from_allocation, AllocationChange.to_allocation)
    ]
    product = (
        joinedload(AllocationChange.to_allocation).joinedload(Allocation.application).joinedload(Application.product)
    )
    return list(
        db.session.scalars(
            select(AllocationChange)
            .options(*sides, product, joinedload(AllocationChange.actor))
            .where(AllocationChange.round_id == round_id)
            .order_by(AllocationChange.created_at, AllocationChange.id)
        ).unique()
    )


def allocations_of(round_id: int) -> list[Allocation]:
    """Every allocation of the round (active, withdrawn, moved) by rank, with institution and product."""
    return list(
        db.session.scalars(
            select(Allocation)
            .options(
                joinedload(Allocation.institution),
                joinedload(Allocation.application).joinedload(Application.product),
                joinedload(Allocation.application).joinedload(Application.company),
            )
            .where(Allocation.round_id == round_id)
            .order_by(Allocation.rank, Allocation.id)
        ).unique()
    )


def changed_from(round_id: int) -> set[int]:
    """Ids of the round's allocations that started a change (moved away, or refilled)."""
    return set(
        db.session.scalars(select(AllocationChange.from_allocation_id).where(AllocationChange.round_id == round_id))
    )
