"""Builders for the demand-driven track: a posted need, proposals, the shortlist and a committee's scores."""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.domain.needs import Decision, NeedInput
from marketplace.extensions import db
from marketplace.models import Need, NeedProposal, User
from marketplace.services import committee, committee_work, need_selection, needs
from tests import clock


def need_input(deadline_at: datetime | None = None, **kw) -> NeedInput:
    values = dict(
        title="정수장 수질 센서",
        problem="정수장 탁도를 실시간으로 측정할 센서가 필요합니다.",
        quantity=10,
        budget_krw=30_000_000,
        category="electronics",
        deadline_at=deadline_at or clock.now() + timedelta(days=7),
    )
    values.update(kw)
    return NeedInput(**values)


class NeedBuilders:
    def __init__(self, make, moment):
        """`moment` is the rounds' clock (tests/builders_rounds.py Clock): the builders move it."""
        self.make, self.clock = make, moment

    def need(self, buyer: User | None = None, **kw) -> Need:
        buyer = buyer or self.make.user("buyer")
        return needs.post_need(buyer, need_input(deadline_at=self.clock.now + timedelta(days=7), **kw))

    def proposal(self, need: Need, supplier: User | None = None, product=None, note: str = "우리 센서") -> NeedProposal:
        supplier = supplier or self.make.user("supplier")
        product = product or self.make.product(supplier.company, category=need.category)
        return needs.propose(supplier, need.id, product.id, note)

    def past_deadline(self, need: Need) -> None:
        self.clock.now = need.deadline_at + timedelta(minutes=1)

    def shortlist(self, buyer: User, need: Need, chosen: list[NeedProposal], others=()) -> Need:
        decisions = [Decision(p.id, True, "요구 사양 충족") for p in chosen]
        decisions += [Decision(p.id, False, "사양 미달") for p in others]
        return need_selection.send_shortlist(buyer, need.id, decisions)

    def committee_scores(self, staff: User, need: Need, totals: dict[int, list[tuple[int, int, int]]]) -> None:
        """Name one member per score column; each declares and scores every shortlisted proposal, then final.
        `totals` maps a proposal id to the members' (innovation, capability, need) scores."""
        code = need.number
        members = len(next(iter(totals.values())))
        users = []
        for n in range(members):
            user, _ = committee.name_member(staff, code, f"need-judge-{need.id}-{n}@example.com", f"심사위원{n}")
            users.append(user)
        for proposal_id, rows in totals.items():
            proposal = db.session.get(NeedProposal, proposal_id)
            for user, scores in zip(users, rows, strict=True):
                committee_work.declare_no_conflict(user, proposal.application_id)
                committee_work.score(user, proposal.application_id, committee_work.Scores(*scores))
        committee.finalise_scores(staff, code)
