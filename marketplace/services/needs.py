"""The demand-driven track, first half: an institution posts a need, certified suppliers propose products
against it until its deadline, and the pages' reads. The shortlist and the selection: need_selection.py.

A need is read by anyone (the institution is named, the budget public). Writes start from the signed-in
account: a buyer acts on its own institution's needs, a supplier on its own company's proposals; any other
is NotFound, the same as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..database import begin_write
from ..domain import needs as rules
from ..domain.clock import seoul_date
from ..domain.errors import N_, NotFound
from ..domain.reference import CATEGORIES
from ..domain.states import (
    CompanyStatus,
    InstitutionStatus,
    NeedStatus,
    NotificationKind,
    ProductStatus,
    ProposalStatus,
)
from ..extensions import db
from ..models import Company, Institution, Need, NeedProposal, Product, User
from . import rounds as round_service
from .audit import record_event
from .notifications import institution_buyers, link_path, notify_all
from .outbox import request_delivery
from .pages import Page, paginate
from .round_opening import recipients_after

# A need is told to at most this many suppliers at its posting (the category's suppliers, by account id).
TELL_AT_MOST = 5000


@dataclass(frozen=True)
class NeedView:
    """A need as a page shows it: the row and its current status (shortlisting once the deadline passed)."""

    need: Need
    status: NeedStatus


def now() -> datetime:
    """The rounds' clock (services/rounds.py now), so that a need's deadline and a round's window agree."""
    return round_service.now()


def status_of(need: Need, moment: datetime | None = None) -> NeedStatus:
    """The need's current status at `moment` (default now)."""
    return rules.current_status(need.status, need.posted_at, need.deadline_at, moment or now())


def _load(need_id: int, *, lock: bool = False) -> Need:
    query = select(Need).options(joinedload(Need.institution)).where(Need.id == need_id)
    if lock:
        query = query.with_for_update(of=Need).execution_options(populate_existing=True)
    need = db.session.scalar(query)
    if need is None:
        raise NotFound(N_("There is no such need."))
    return need


def is_need_round(round_id: int) -> bool:
    """Whether the round evaluates a need's shortlist (it then has no draw: staff select on the need's page)."""
    return db.session.scalar(select(Need.id).where(Need.round_id == round_id)) is not None


def get_need(need_id: int) -> NeedView:
    """Any need, for its public page; NotFound when there is none."""
    need = _load(need_id)
    return NeedView(need, status_of(need))


def need_for_buyer(buyer: User, need_id: int, *, lock: bool = False) -> Need:
    """One of the buyer's institution's needs; NotFound for another institution's."""
    need = _load(need_id, lock=lock)
    if need.institution_id != buyer.institution_id:
        raise NotFound(N_("There is no such need."))
    return need


def public_needs(*, page: int, per_page: int, category: str = "") -> Page[Need]:
    """Every need but the withdrawn, newest first, optionally of one category."""
    query = (
        select(Need)
        .options(joinedload(Need.institution))
        .where(Need.status != NeedStatus.WITHDRAWN)
        .order_by(Need.posted_at.desc(), Need.id.desc())
    )
    if category in CATEGORIES:
        query = query.where(Need.category == category)
    return paginate(query, page=page, per_page=per_page)


def institution_needs(institution_id: int, *, page: int, per_page: int) -> Page[Need]:
    """The institution's needs, newest first, with their proposals."""
    query = (
        select(Need)
        .options(selectinload(Need.proposals))
        .where(Need.institution_id == institution_id)
        .order_by(Need.posted_at.desc(), Need.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)


def proposals_of(need_id: int) -> list[NeedProposal]:
    """The need's proposals, oldest first, with their companies and products."""
    return list(
        db.session.scalars(
            select(NeedProposal)
            .options(joinedload(NeedProposal.company), joinedload(NeedProposal.product))
            .where(NeedProposal.need_id == need_id)
            .order_by(NeedProposal.id)
        )
    )


def post_need(buyer: User, data: rules.NeedInput) -> Need:
    """Post a need of the buyer's institution, open to proposals until its deadline; the suppliers with a
    listed product in its category are told. Raises NeedError."""
    begin_write()
    institution = db.session.get(Institution, buyer.institution_id) if buyer.institution_id else None
    if institution is None:
        raise NotFound(N_("There is no such institution."))
    if institution.status != InstitutionStatus.ACTIVE:
        raise rules.NeedError(N_("Only an active institution can post a need."))
    moment = now()
    data = rules.check_need(data, moment, CATEGORIES)
    need = Need(
        number=f"tmp-{uuid4().hex[:24]}",
        institution_id=buyer.institution_id,
        posted_by_id=buyer.id,
        title=data.title,
        problem=data.problem,
        quantity=data.quantity,
        budget_krw=data.budget_krw,
        category=data.category,
        deadline_at=data.deadline_at,
        status=NeedStatus.OPEN,
        posted_at=moment,
    )
    db.session.add(need)
    db.session.flush()
    need.number = rules.need_number(seoul_date(moment).year, need.id)
    record_event(buyer, "need.posted", need, after=_facts(need))
    _tell_suppliers(need)
    db.session.commit()
    request_delivery()
    return need


def _facts(need: Need) -> dict:
    return {
        "number": need.number,
        "title": need.title,
        "quantity": need.quantity,
        "budget_krw": need.budget_krw,
        "category": need.category,
        "deadline_at": need.deadline_at.isoformat(),
        "status": need.status,
    }


def need_params(need: Need) -> dict:
    """A need's plain values for notifications: number, title, institution in both languages, deadline."""
    institution = need.institution
    return {
        "need": need.number,
        "title": need.title,
        "institution_ko": institution.name_ko,
        "institution_en": institution.name_en or institution.name_ko,
        "deadline": need.deadline_at.isoformat(),
    }


def _tell_suppliers(need: Need) -> None:
    ids = list(db.session.scalars(recipients_after(0, TELL_AT_MOST, [need.category])))
    users = db.session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []
    link = link_path("public.need", need_id=need.id)
    notify_all(users, NotificationKind.NEED_POSTED, f"need_posted:{need.id}", need_params(need), link)


def withdraw_need(buyer: User, need_id: int, reason: str) -> Need:
    """Withdraw the institution's need, with a reason, before its shortlist is sent. Raises NeedError."""
    begin_write()
    need = need_for_buyer(buyer, need_id, lock=True)
    before = status_of(need)
    rules.require_status(
        before,
        (NeedStatus.OPEN, NeedStatus.SHORTLISTING),
        N_("A need can be withdrawn only before its shortlist is sent."),
    )
    need.withdrawal_reason = rules.check_reason(reason)
    need.status, need.withdrawn_at = NeedStatus.WITHDRAWN, now()
    record_event(
        buyer, "need.withdrawn", need, before={"status": before}, after={"status": need.status}, reason=reason.strip()
    )
    db.session.commit()
    return need


def proposable_products(supplier: User, need: Need) -> list[Product]:
    """The supplier's company's listed products in the need's category with a certificate valid today."""
    if supplier.company_id is None:
        return []
    today = seoul_date(now())
    products = db.session.scalars(
        select(Product)
        .options(selectinload(Product.certificates))
        .where(
            Product.company_id == supplier.company_id,
            Product.status == ProductStatus.LISTED,
            Product.category == need.category,
        )
        .order_by(Product.id)
    )
    return [p for p in products if any(c.company_id == p.company_id and c.is_valid_on(today) for c in p.certificates)]


def company_proposals(company_id: int | None, need_id: int) -> list[NeedProposal]:
    """The company's proposals against the need, with their products."""
    if company_id is None:
        return []
    return [p for p in proposals_of(need_id) if p.company_id == company_id]


def propose(supplier: User, need_id: int, product_id: int, note: str) -> NeedProposal:
    """Propose one of the company's certified products in the need's category against an open need, with
    a short note; once per product and need. The institution's buyers are told. Raises NeedError."""
    begin_write()
    need = _load(need_id, lock=True)
    rules.require_status(
        status_of(need), (NeedStatus.OPEN,), N_("This need no longer takes proposals: its deadline has passed.")
    )
    company = db.session.get(Company, supplier.company_id) if supplier.company_id else None
    if company is None or company.status != CompanyStatus.APPROVED:
        raise rules.NeedError(N_("Only an approved company can propose a product."))
    product = next((p for p in proposable_products(supplier, need) if p.id == product_id), None)
    if product is None:
        raise rules.NeedError(N_("Choose one of your listed products in the need's category with a valid certificate."))
    taken = select(NeedProposal.id).where(NeedProposal.need_id == need.id, NeedProposal.product_id == product.id)
    if db.session.scalar(taken) is not None:
        raise rules.NeedError(N_("This product was already proposed against this need."))
    proposal = NeedProposal(
        need=need,
        company_id=company.id,
        product_id=product.id,
        proposed_by_id=supplier.id,
        note=rules.check_note(note),
        status=ProposalStatus.SUBMITTED,
        proposed_at=now(),
    )
    db.session.add(proposal)
    record_event(
        supplier,
        "need.proposed",
        proposal,
        institution_id=need.institution_id,
        after={"need": need.number, "product_id": product.id, "note": proposal.note},
    )
    params = {
        **need_params(need),
        "company_ko": company.name_ko,
        "company_en": company.name_en or company.name_ko,
        "product_ko": product.name_ko,
        "product_en": product.name_en or product.name_ko,
    }
    link = link_path("buyer.need", need_id=need.id)
    key = f"proposal:{proposal.id}"
    notify_all(institution_buyers(need.institution_id), NotificationKind.PROPOSAL_RECEIVED, key, params, link)
    db.session.commit()
    request_delivery()
    return proposal


def withdraw_proposal(supplier: User, proposal_id: int) -> NeedProposal:
    """Withdraw the company's proposal before the need's deadline. NotFound for another company's;
    raises NeedError after the deadline or for a proposal already withdrawn."""
    begin_write()
    proposal = db.session.get(NeedProposal, proposal_id)
    if proposal is None or supplier.company_id is None or proposal.company_id != supplier.company_id:
        raise NotFound(N_("There is no such proposal."))
    need = _load(proposal.need_id, lock=True)
    db.session.refresh(proposal)
    rules.require_status(
        status_of(need), (NeedStatus.OPEN,), N_("A proposal can be withdrawn only before the need's deadline.")
    )
    if proposal.status != ProposalStatus.SUBMITTED:
        raise rules.NeedError(N_("This proposal was already withdrawn."))
    proposal.status, proposal.withdrawn_at = ProposalStatus.WITHDRAWN, now()
    record_event(
        supplier,
        "need.proposal_withdrawn",
        proposal,
        institution_id=need.institution_id,
        before={"status": ProposalStatus.SUBMITTED},
        after={"status": proposal.status, "need": need.number},
    )
    db.session.commit()
    return proposal
