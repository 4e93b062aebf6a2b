"""The demand-driven track's figures for the ministry's reports: needs by outcome, proposals, selections."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..domain.states import NeedStatus, ProposalStatus
from ..extensions import db
from ..models import Need, NeedProposal


@dataclass(frozen=True)
class NeedFigures:
    posted: int  # every need but the withdrawn
    withdrawn: int
    evaluating: int
    selected: int
    closed: int  # closed without a selection
    proposals: int  # every proposal but the withdrawn
    shortlisted: int  # proposals the institutions sent to the committee
    selected_budget_krw: int


def figures() -> NeedFigures:
    """The program's needs and proposals, counted by state in two queries."""
    needs = dict(db.session.execute(select(Need.status, func.count(Need.id)).group_by(Need.status)).all())
    budget = db.session.scalar(select(func.sum(Need.budget_krw)).where(Need.status == NeedStatus.SELECTED))
    proposals = dict(
        db.session.execute(select(NeedProposal.status, func.count(NeedProposal.id)).group_by(NeedProposal.status)).all()
    )
    sent = (ProposalStatus.SHORTLISTED, ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED)
    return NeedFigures(
        posted=sum(n for status, n in needs.items() if status != NeedStatus.WITHDRAWN),
        withdrawn=needs.get(NeedStatus.WITHDRAWN, 0),
        evaluating=needs.get(NeedStatus.EVALUATING, 0),
        selected=needs.get(NeedStatus.SELECTED, 0),
        closed=needs.get(NeedStatus.CLOSED, 0),
        proposals=sum(n for status, n in proposals.items() if status != ProposalStatus.WITHDRAWN),
        shortlisted=sum(proposals.get(status, 0) for status in sent),
        selected_budget_krw=int(budget or 0),
    )
