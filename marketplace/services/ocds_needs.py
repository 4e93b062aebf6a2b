"""The OCDS releases of a need's round (the demand-driven track): the institution is the buyer, the need is
the planning (its problem as the rationale, its budget) and the tender's item; the proposals are the
tenderers; the award rests on the committee's minutes, not on a draw.

ocds_releases.py builds every round's releases and passes them here (for_need) to be adjusted; a round that
evaluates no need comes back unchanged.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..domain.reference import CATEGORIES
from ..domain.states import ProposalStatus
from ..extensions import db
from ..models import Need, NeedProposal, Round

PROCEDURE = (
    "수요 기반 시범구매: 기관이 수요를 게시하고, 인증 제품을 가진 기업이 제안하며, 기관이 고른 후보를"
    " 평가위원회가 평가하여 합격 점수 이상 최고점 제안을 선정"
    " (Demand-driven pilot purchase: an institution posts a need, certified companies propose products, the"
    " institution shortlists and the evaluation committee scores the shortlist; the best score at or above the"
    " pass mark is selected)"
)


def need_of(round_: Round) -> Need | None:
    """The need the round evaluates, or None for any other round."""
    return db.session.scalar(select(Need).where(Need.round_id == round_.id))


def _proposals(need: Need) -> int:
    query = select(func.count(NeedProposal.id)).where(
        NeedProposal.need_id == need.id, NeedProposal.status != ProposalStatus.WITHDRAWN
    )
    return db.session.scalar(query) or 0


def for_need(part: str, round_: Round, data: dict) -> dict:
    """The release data of `part` ('opened', 'closed' or 'published') adjusted for a need's round."""
    need = need_of(round_)
    if need is None:
        return data
    from . import ocds_releases as core  # the core module calls this one

    if part == "closed":
        return {**data, "tender": {**data["tender"], "numberOfTenderers": _proposals(need)}}
    if part == "published":
        documents = [_need_document(core, need)]
        if round_.minutes_sha256:
            from .ocds_after import minutes_document

            documents.append(minutes_document(round_))
        return {**data, "tender": {**data["tender"], "documents": documents}}
    return _opened(core, need, round_, data)


def _need_document(core, need: Need) -> dict:
    return core._document(
        "need", "tenderNotice", f"Need {need.number}", f"{core._base_url()}/needs/{need.id}", "text/html"
    )


def _opened(core, need: Need, round_: Round, data: dict) -> dict:
    institution = core.institution_party(need.institution)
    ministry = {**core.MINISTRY_PARTY, "roles": ["procuringEntity"]}
    tender = {
        **data["tender"],
        "title": need.title,
        "description": need.problem,
        "procurementMethod": "selective",
        "procurementMethodDetails": PROCEDURE,
        "awardCriteriaDetails": (
            f"Pass mark {round_.pass_mark}; the highest committee score (trimmed mean) at or above it is selected;"
            " equal scores go to the proposal made first."
        ),
        "tenderPeriod": {"startDate": core.moment_text(need.posted_at), "endDate": core.moment_text(need.deadline_at)},
        "value": core.krw(need.budget_krw),
        "items": [
            {
                "id": "1",
                "description": f"{need.title} ({CATEGORIES.get(need.category, need.category)})",
                "quantity": need.quantity,
            }
        ],
        "procuringEntity": core._ref(ministry),
        "numberOfTenderers": _proposals(need),
        "documents": [_need_document(core, need)],
    }
    planning = {
        "rationale": need.problem,
        "budget": {"description": f"Need {need.number}", "amount": core.krw(need.budget_krw)},
    }
    return {
        **data,
        "tender": tender,
        "planning": planning,
        "parties": [ministry, institution],
        "buyer": core._ref(institution),
    }
