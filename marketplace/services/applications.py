"""Suppliers' applications: apply, edit, withdraw (with the waitlist refill after a draw)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import NoReturn

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..database import begin_write
from ..domain import rounds as rules
from ..domain import selection
from ..domain import tracks as track_rules
from ..domain.allocations import AllocationChangeRefused
from ..domain.clock import kst_text, seoul_date
from ..domain.errors import N_, NotFound
from ..domain.states import (
    AllocationChangeKind,
    AllocationStatus,
    ApplicationStatus,
    CertificateStatus,
    OrderStatus,
    ProductStatus,
    RoundStatus,
    WindowState,
)
from ..extensions import db
from ..models import Allocation, AllocationChange, Application, Institution, Order, Product, Round, RoundTrack, User
from . import notices, redraw_results
from . import rounds as round_service
from . import tracks as track_service
from .audit import record_event
from .corrective_actions import require_not_blocked
from .draws import allocation_valid_until, drawn
from .outbox import request_delivery


@dataclass(frozen=True)
class ApplicationInput:
    amount_krw: int
    preferred_codes: list[str]
    statement: str
    track: str = ""  # the chosen track's kind, in a round with tracks


def own_application(user: User, application_id: int, *, lock: bool = False) -> Application:
    """The application if it belongs to the user's company; raises NotFound otherwise."""
    application = db.session.get(Application, application_id, with_for_update=lock or None, populate_existing=lock)
    if application is None or user.company_id is None or application.company_id != user.company_id:
        raise NotFound(N_("This application does not exist or belongs to another company."))
    return application


def require_window_open(round_: Round) -> None:
    """Raise WindowClosedError with the reason unless applications are accepted right now."""
    if round_.status == RoundStatus.DRAFT:
        raise rules.WindowClosedError(N_("This round is not open for applications yet."))
    state = rules.window_state(round_.opens_at, round_.closes_at, round_service.now())
    if state == WindowState.BEFORE:
        raise rules.WindowClosedError(N_("Applications open at %(opens)s."), opens=kst_text(round_.opens_at))
    if state == WindowState.AFTER or round_.status != RoundStatus.OPEN:
        raise rules.WindowClosedError(N_("Applications closed at %(closes)s."), closes=kst_text(round_.closes_at))


def eligible_products(user: User, round_: Round) -> list[Product]:
    """The company's listed products in the round's categories with a verified certificate valid from today
    through the closing day."""
    if user.company_id is None:
        return []
    today = seoul_date(round_service.now())
    close_day = rules.closing_day(round_.closes_at)
    products = db.session.scalars(
        select(Product)
        .where(Product.company_id == user.company_id, Product.status == ProductStatus.LISTED)
        .order_by(Product.id)
    )
    return [
        p
        for p in products
        if rules.in_categories(p.category, round_.categories)
        and any(
            c.company_id == p.company_id
            and c.status == CertificateStatus.VERIFIED
            and c.issued_on <= today
            and close_day <= c.expires_on
            for c in p.certificates
        )
    ]


def _check_input(round_: Round, data: ApplicationInput, track: RoundTrack | None = None) -> list[Institution]:
    if track is not None:
        track_rules.check_cap(data.amount_krw, track.cap_krw)
    elif data.amount_krw > round_.cap_krw:
        raise rules.RoundError(
            N_("The amount is above this round's cap of %(cap)s won per application."),
            cap=f"{round_.cap_krw:,}",
        )
    participating = {b.institution.code: b.institution for b in round_.budgets}
    if unknown := [c for c in data.preferred_codes if c not in participating]:
        raise rules.RoundError(N_("Institution %(code)s does not take part in this round."), code=unknown[0])
    return [participating[c] for c in sorted(set(data.preferred_codes))]


def _refuse_product(user: User, round_: Round, product_id: int) -> NoReturn:
    """Why a product may not apply: outside the round's categories, or not listed with a valid certificate."""
    category = db.session.scalar(
        select(Product.category).where(Product.id == product_id, Product.company_id == user.company_id)
    )
    if category is not None and not rules.in_categories(category, round_.categories):
        raise rules.RoundError(N_("This round is not for this product's category; its page lists the categories."))
    raise rules.RoundError(N_("Choose one of your listed products with a certificate valid through the round."))


def apply(user: User, round_code: str, product_id: int, data: ApplicationInput) -> Application:
    """Submit (or re-submit a withdrawn) application for one of the company's products; returns it."""
    begin_write()
    round_ = round_service.get_round(round_code, lock=True)
    require_window_open(round_)
    require_not_blocked(user.company_id)  # re-checked under the lock: an action may have opened meanwhile
    product = next((p for p in eligible_products(user, round_) if p.id == product_id), None)
    if product is None:
        _refuse_product(user, round_, product_id)
    track = _chosen_track(round_, product.company, data.track)
    preferred = _check_input(round_, data, track)
    application = db.session.scalar(
        select(Application).where(Application.round_id == round_.id, Application.product_id == product.id)
    )
    if application is not None and application.status != ApplicationStatus.WITHDRAWN:
        raise rules.RoundError(
            N_("This product already has application %(receipt)s in this round."),
            receipt=application.receipt_no,
        )
    action = "application.resubmitted" if application else "application.submitted"
    if application is None:
        application = Application(
            round=round_,
            company_id=product.company_id,
            product=product,
            receipt_no=f"tmp-{uuid.uuid4().hex[:24]}",
        )
        db.session.add(application)
    application.amount_krw, application.statement, application.preferred = (
        data.amount_krw,
        data.statement.strip(),
        preferred,
    )
    application.track = track
    application.status, application.withdrawn_at = ApplicationStatus.SUBMITTED, None
    application.withdrawal_reason = ""
    application.submitted_at = round_service.now()
    try:
        db.session.flush()
    except IntegrityError as error:  # a parallel request for the same product won
        db.session.rollback()
        raise rules.RoundError(N_("This product already has an application in this round.")) from error
    if application.receipt_no.startswith("tmp-"):
        application.receipt_no = f"{round_.code}-{application.id:06d}"
    record_event(user, action, application, after=_facts(application))
    db.session.commit()
    return application


def _chosen_track(round_: Round, company, kind: str) -> RoundTrack | None:
    """The track the supplier chose, which the company must qualify for; None in a round without tracks."""
    if not round_.tracks:
        if kind:
            raise track_rules.TrackError(N_("This round has no tracks."))
        return None
    track = track_service.track_of_kind(round_, kind)
    track_service.require_qualified(company, track)
    return track


def _facts(application: Application) -> dict:
    return {
        **({"track": application.track.kind} if application.track is not None else {}),
        "receipt_no": application.receipt_no,
        "amount_krw": application.amount_krw,
        "preferred": [i.code for i in application.preferred],
        "status": application.status,
    }


def require_editable(application: Application) -> None:
    """Raise WindowClosedError or RoundError unless the application can still be edited."""
    require_window_open(application.round)
    if application.status != ApplicationStatus.SUBMITTED:
        raise rules.RoundError(N_("Only a submitted application can be edited."))


def edit(user: User, application_id: int, data: ApplicationInput) -> Application:
    """Change amount, preferred institutions and statement while the window is open."""
    begin_write()
    application = own_application(user, application_id, lock=True)
    require_editable(application)
    before = _facts(application)
    preferred = _check_input(application.round, data, application.track)
    application.amount_krw, application.statement, application.preferred = (
        data.amount_krw,
        data.statement.strip(),
        preferred,
    )
    record_event(user, "application.edited", application, before=before, after=_facts(application))
    db.session.commit()
    return application


def withdraw(user: User, application_id: int, reason: str) -> Allocation | None:
    """Withdraw an application, with the supplier's reason: freely while the window is open; after
    publication a selected one frees its budget for the first waitlisted application that fits (returned:
    the new allocation, if any). Raises RoundError without a reason or when it cannot be withdrawn now.
    """
    reason = rules.withdrawal_reason(reason)
    begin_write()
    application = own_application(user, application_id, lock=True)
    # the round's lock keeps two withdrawals from promoting the same waitlisted application (PostgreSQL)
    round_ = db.session.get_one(Round, application.round_id, with_for_update=True, populate_existing=True)
    if application.status == ApplicationStatus.SUBMITTED:
        require_window_open(round_)
        _mark_withdrawn(user, application, reason)
        return None
    if round_.status != RoundStatus.PUBLISHED or application.status not in (
        ApplicationStatus.SELECTED,
        ApplicationStatus.WAITLISTED,
    ):
        raise rules.RoundError(N_("This application cannot be withdrawn now: the round is being decided."))
    if application.status == ApplicationStatus.WAITLISTED:
        application.waitlist_position = None
        _mark_withdrawn(user, application, reason, commit=False)
        db.session.commit()
        return None
    return _withdraw_selected(user, application, round_, reason)


def _mark_withdrawn(user: User, application: Application, reason: str, commit: bool = True) -> None:
    before = application.status
    application.status, application.withdrawn_at = ApplicationStatus.WITHDRAWN, round_service.now()
    application.withdrawal_reason = reason
    record_event(
        user,
        "application.withdrawn",
        application,
        before={"status": before},
        after={"status": ApplicationStatus.WITHDRAWN},
        reason=reason,
    )
    if commit:
        db.session.commit()


def _withdraw_selected(user: User, application: Application, round_: Round, reason: str) -> Allocation | None:
    allocation = db.session.scalar(
        select(Allocation)
        .where(Allocation.application_id == application.id, Allocation.status == AllocationStatus.ACTIVE)
        .with_for_update()
    )
    if allocation is None:  # a selected application holds one; a move or refill leaves an active one
        raise rules.RoundError(N_("This application cannot be withdrawn now: the round is being decided."))
    open_orders = db.session.scalar(
        select(func.count(Order.id)).where(Order.allocation_id == allocation.id, Order.status != OrderStatus.CANCELLED)
    )
    if open_orders:
        raise rules.RoundError(N_("An order already rests on this selection; it cannot be withdrawn."))
    promoted = _refill(round_, application.id)
    allocation.status = AllocationStatus.WITHDRAWN
    record_event(
        user,
        "allocation.withdrawn",
        allocation,
        company_id=application.company_id,
        before={"status": AllocationStatus.ACTIVE},
        after={"status": AllocationStatus.WITHDRAWN, "amount_krw": allocation.amount_krw},
        reason=reason,
    )
    _mark_withdrawn(user, application, reason, commit=False)
    new = promote(round_, promoted, allocation) if promoted else None
    db.session.commit()
    if new is not None:
        request_delivery()
    return new


def _refill(round_: Round, application_id: int) -> selection.Allocation | None:
    """The waitlisted application the withdrawal promotes, if any; none in a round without a draw (a need's
    round: its selection is the best score, with no waitlist)."""
    if round_.draw is None:
        return None
    manifest = redraw_results.effective(round_)[0]
    current = current_result(round_, manifest)
    return selection.refill_after_withdrawal(manifest, current, application_id)[1]


def current_result(round_: Round, manifest: selection.Manifest) -> selection.DrawResult:
    """The draw result as it stands now: active allocations, remaining waitlist, budgets left."""
    draw = drawn(round_)
    if draw.seed is None:
        raise rules.RoundError(N_("Round %(code)s has not been drawn yet."), code=round_.code)
    # the draw's order, with each new draw of a track spliced in; `manifest` is the one this rests on
    original = redraw_results.effective(round_)[1]
    active = db.session.scalars(
        select(Allocation).where(Allocation.round_id == round_.id, Allocation.status == AllocationStatus.ACTIVE)
    ).all()
    codes = {b.institution_id: b.institution.code for b in round_.budgets}
    remaining = {b.institution.code: b.budget_krw for b in round_.budgets}
    for a in active:
        remaining[codes[a.institution_id]] -= a.amount_krw
    waitlist = sorted(
        (a for a in round_.applications if a.status == ApplicationStatus.WAITLISTED), key=_waitlist_position
    )
    return replace(
        original,
        remaining=remaining,
        waitlist=tuple(a.id for a in waitlist),
        selected=tuple(
            selection.Allocation(a.application_id, codes[a.institution_id], a.amount_krw, a.rank) for a in active
        ),
    )


def _waitlist_position(application: Application) -> int:
    if application.waitlist_position is None:  # set with the status, by the draw and by each change after it
        raise ValueError(f"waitlisted application {application.id} has no waitlist position")
    return application.waitlist_position


def promote(
    round_: Round, promoted: selection.Allocation, freed: Allocation, actor: User | None = None, reason: str = ""
) -> Allocation:
    """Allocate the promoted waitlisted application, valid from today, and record the refill of `freed`
    (by the ministry with its reason, or with no actor at the supplier's withdrawal)."""
    application = db.session.get_one(Application, promoted.app_id)
    institution = next(b.institution for b in round_.budgets if b.institution.code == promoted.institution_code)
    published_at = drawn(round_).published_at
    if published_at is None:
        raise AllocationChangeRefused(N_("Allocations change only after the round's result is published."))
    application.status, application.waitlist_position = ApplicationStatus.SELECTED, None
    moment = round_service.now()
    published_on = seoul_date(published_at)
    allocation = Allocation(
        round_id=round_.id,
        application_id=application.id,
        institution_id=institution.id,
        amount_krw=promoted.amount,
        rank=promoted.rank,
        via_waitlist=True,
        valid_from=seoul_date(moment),
        valid_until=allocation_valid_until(round_, published_on),
    )
    db.session.add(allocation)
    db.session.flush()
    db.session.add(
        AllocationChange(
            round_id=round_.id,
            kind=AllocationChangeKind.REFILLED,
            from_allocation_id=freed.id,
            to_allocation_id=allocation.id,
            reason=reason,
            actor_id=actor.id if actor else None,
            created_at=moment,
        )
    )
    record_event(
        actor,
        "allocation.refilled_from_waitlist",
        allocation,
        company_id=application.company_id,
        after={
            "application_id": application.id,
            "institution": institution.code,
            "amount_krw": promoted.amount,
            "freed_allocation_id": freed.id,
        },
        reason=reason,
    )
    notices.allocation_changed(allocation, "refilled", reason)
    return allocation


def allocation_of(application: Application) -> Allocation | None:
    return db.session.scalar(
        select(Allocation).where(
            Allocation.application_id == application.id, Allocation.status == AllocationStatus.ACTIVE
        )
    )
