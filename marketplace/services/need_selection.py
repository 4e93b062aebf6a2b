"""The demand-driven track, second half: the institution's shortlist, the committee, the selection.

Sending the shortlist makes a round for the need (its code is the need's number): its only institution is
the need's, with the need's budget as its round budget and as the amount of each application, and its
applications are the shortlisted proposals, checked for eligibility as any round's are at its close. The
round is then closed, so the ministry names its evaluation committee on the round's committee page as for
any round (declarations or recusals, scores, trimmed mean, minutes with their SHA-256). Once the scores are
final, staff select: the best committee score at or above the pass mark wins (domain/needs.py choose), and
becomes an allocation to the institution for the need's budget, published at once, that its buyers order
against like any other; there is no draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database import begin_write
from ..domain import needs as rules
from ..domain.clock import seoul_date
from ..domain.errors import N_
from ..domain.states import ApplicationStatus, NeedStatus, NotificationKind, ProposalStatus, RoundStatus
from ..extensions import db
from ..models import Allocation, Application, Need, NeedProposal, Round, RoundCategory, RoundInstitution, User
from . import allocations, needs
from . import rounds as round_service
from .audit import record_event
from .draws import allocation_valid_until
from .needs import _load as load_need
from .needs import need_for_buyer, need_params, now, proposals_of, status_of
from .notifications import company_users, institution_buyers, link_path, ministry_staff, notify_all
from .outbox import request_delivery
from .pages import paginate


def send_shortlist(buyer: User, need_id: int, decisions: list[rules.Decision]) -> Need:
    """Record the institution's decision on each proposal (shortlisted or not, each with its reason) and send
    the shortlist to the ministry: the need's round is made and closed, the need is then evaluating. With no
    proposal shortlisted the need closes without a selection. Raises NotFound (another institution's need)
    or NeedError (before the deadline, sent already, a decision missing or without its reason)."""
    begin_write()
    need = need_for_buyer(buyer, need_id, lock=True)
    rules.require_status(
        status_of(need),
        (NeedStatus.SHORTLISTING,),
        N_("The shortlist is sent once, after the proposal deadline."),
    )
    proposals = [p for p in proposals_of(need.id) if p.status == ProposalStatus.SUBMITTED]
    decided = rules.check_shortlist(decisions, {p.id for p in proposals})
    moment = now()
    for proposal in proposals:
        decision = decided[proposal.id]
        proposal.status = ProposalStatus.SHORTLISTED if decision.shortlisted else ProposalStatus.NOT_SHORTLISTED
        proposal.shortlist_reason = decision.reason
        record_event(
            buyer,
            "need.shortlist_decided",
            proposal,
            before={"status": ProposalStatus.SUBMITTED},
            after={"status": proposal.status, "need": need.number},
            reason=decision.reason,
        )
    need.shortlist_sent_at = moment
    shortlisted = [p for p in proposals if p.status == ProposalStatus.SHORTLISTED]
    if shortlisted:
        _evaluate(buyer, need, shortlisted, moment)
    else:
        need.status, need.decided_at = NeedStatus.CLOSED, moment
    record_event(
        buyer,
        "need.shortlist_sent",
        need,
        before={"status": NeedStatus.SHORTLISTING},
        after={"status": need.status, "shortlisted": len(shortlisted), "proposals": len(proposals)},
    )
    db.session.commit()
    request_delivery()
    return need


def _evaluate(buyer: User, need: Need, shortlisted: list[NeedProposal], moment: datetime) -> None:
    """The need's round with one application per shortlisted proposal, closed at once (eligibility checked)."""
    if db.session.scalar(select(Round.id).where(Round.code == need.number)) is not None:
        raise rules.NeedError(N_("A round with code %(code)s already exists: ask the ministry."), code=need.number)
    round_ = Round(
        code=need.number,
        title_ko=need.title,
        title_en=need.title,
        opens_at=need.posted_at,
        closes_at=need.deadline_at,
        cap_krw=need.budget_krw,
        pass_mark=rules.NEED_PASS_MARK,
        status=RoundStatus.OPEN,
        rule_published_at=moment,
        budgets=[RoundInstitution(institution_id=need.institution_id, budget_krw=need.budget_krw)],
        category_rows=[RoundCategory(category=need.category)],
    )
    db.session.add(round_)
    db.session.flush()
    record_event(
        buyer,
        "round.created",
        round_,
        after={"code": round_.code, "need": need.number, "budget_krw": need.budget_krw, "pass_mark": round_.pass_mark},
    )
    for proposal in shortlisted:
        application = Application(
            round_id=round_.id,
            company_id=proposal.company_id,
            product_id=proposal.product_id,
            receipt_no=f"{round_.code}-{proposal.id:06d}",
            amount_krw=need.budget_krw,
            statement=proposal.note,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=proposal.proposed_at,
        )
        db.session.add(application)
        db.session.flush()
        proposal.application_id = application.id
    need.round_id, need.status = round_.id, NeedStatus.EVALUATING
    db.session.flush()  # the close's open-data release reads the need of the round
    db.session.expire(round_, ["applications"])
    round_service.close_now(buyer, round_, moment)
    params = {"variant": "need", **need_params(need)}
    notify_all(
        ministry_staff(), NotificationKind.REVIEW_WAITING, f"need_shortlist:{need.id}", params, _staff_link(need)
    )


def _staff_link(need: Need) -> str:
    return link_path("ministry.need", need_id=need.id)


def select_for_need(actor: User, need_id: int) -> Need:
    """Select the best shortlisted proposal once the committee's scores are final: the highest committee
    score at or above the pass mark; equal scores go to the proposal made first. It becomes an allocation to
    the institution for the need's budget, valid from today for ALLOCATION_VALID_DAYS, and the round is
    published; with no score at the mark the need closes without a selection. Raises NeedError."""
    begin_write()
    need = load_need(need_id, lock=True)
    rules.require_status(need.status, (NeedStatus.EVALUATING,), N_("Only a need under evaluation can be decided."))
    if need.round_id is None:
        raise rules.NeedError(N_("Only a need under evaluation can be decided."))
    round_ = round_service.get_round(need.number, lock=True)
    if round_.scores_finalised_at is None:
        raise rules.NeedError(N_("Finalise the committee's scores before the selection."))
    shortlisted = list(
        db.session.scalars(
            select(NeedProposal)
            .options(joinedload(NeedProposal.application), joinedload(NeedProposal.product))
            .where(NeedProposal.need_id == need.id, NeedProposal.status == ProposalStatus.SHORTLISTED)
            .order_by(NeedProposal.id)
        )
    )
    candidates = [rules.Candidate(p.id, _score(p.application)) for p in shortlisted]
    chosen = rules.choose(candidates, round_.pass_mark)
    moment = now()
    statuses = rules.outcome_statuses([p.id for p in shortlisted], chosen)
    for proposal in shortlisted:
        proposal.status = statuses[proposal.id]
        _decide_application(proposal, chosen, need, moment)
    round_.status = RoundStatus.PUBLISHED
    need.status = NeedStatus.SELECTED if chosen is not None else NeedStatus.CLOSED
    need.decided_at = moment
    record_event(
        actor,
        "round.published",
        round_,
        before={"status": RoundStatus.CLOSED},
        after={"status": RoundStatus.PUBLISHED, "need": need.number},
    )
    record_event(
        actor,
        "need.decided",
        need,
        before={"status": NeedStatus.EVALUATING},
        after={"status": need.status, "selected_proposal": chosen, "minutes_sha256": round_.minutes_sha256},
    )
    _tell_outcome(need, round_, shortlisted)
    db.session.commit()
    request_delivery()
    return need


def _score(application: Application | None):
    if application is None or application.status != ApplicationStatus.ELIGIBLE:
        return None
    return application.total_score


def _decide_application(proposal: NeedProposal, chosen: int | None, need: Need, moment: datetime) -> None:
    application = proposal.application
    if application is None or application.status != ApplicationStatus.ELIGIBLE:
        return
    if proposal.id != chosen:
        application.status = ApplicationStatus.NOT_SELECTED
        return
    application.status = ApplicationStatus.SELECTED
    today = seoul_date(moment)
    db.session.add(
        Allocation(
            round_id=application.round_id,
            application_id=application.id,
            institution_id=need.institution_id,
            amount_krw=need.budget_krw,
            rank=1,
            valid_from=today,
            valid_until=allocation_valid_until(application.round, today),
            created_at=moment,
        )
    )


def _tell_outcome(need: Need, round_: Round, shortlisted: list[NeedProposal]) -> None:
    """Each shortlisted supplier learns its outcome; the institution's buyers learn of their allocation."""
    for proposal in shortlisted:
        product = proposal.product
        variant = _variant(proposal, round_.pass_mark)
        params = {
            "variant": variant,
            "round": round_.code,
            "pass_mark": round_.pass_mark,
            "product_ko": product.name_ko,
            "product_en": product.name_en or product.name_ko,
        }
        link = link_path("public.need", need_id=need.id)
        notify_all(
            company_users(proposal.company_id), NotificationKind.SELECTION_RESULT, f"need:{proposal.id}", params, link
        )
    if need.status == NeedStatus.SELECTED:
        params = {"round": round_.code, "count": 1}
        link = link_path("buyer.selected_products")
        notify_all(
            institution_buyers(need.institution_id),
            NotificationKind.ALLOCATIONS_PUBLISHED,
            f"need:{need.id}",
            params,
            link,
        )


def _variant(proposal: NeedProposal, pass_mark: int) -> str:
    """The supplier's outcome: selected, outscored (passed, another won) or not selected (under the mark)."""
    if proposal.status == ProposalStatus.SELECTED:
        return "selected"
    score = proposal.application.total_score if proposal.application is not None else None
    return "outscored" if score is not None and score >= pass_mark else "not_selected"


def ministry_needs(*, page: int, per_page: int):
    """Every need, those waiting for the committee first, then newest first."""
    waiting = Need.status == NeedStatus.EVALUATING
    query = (
        select(Need)
        .options(joinedload(Need.institution), joinedload(Need.round))
        .order_by(waiting.desc(), Need.posted_at.desc(), Need.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)


@dataclass(frozen=True)
class PublicNeed:
    """What anyone may know of a need: the row, its status, the proposals received (not withdrawn; the
    proposers are not named) and, once made, the selection's allocations."""

    need: Need
    status: NeedStatus
    proposals: int
    selected: list[Allocation]


def public_need(need_id: int) -> PublicNeed:
    """A need for the public API; NotFound when there is none."""
    view = needs.get_need(need_id)
    live = sum(1 for p in needs.proposals_of(need_id) if p.status != ProposalStatus.WITHDRAWN)
    round_ = view.need.round
    published = round_ is not None and round_.status == RoundStatus.PUBLISHED
    selected = allocations.allocations_of(round_.id) if published and round_ is not None else []
    return PublicNeed(view.need, view.status, live, list(selected))
