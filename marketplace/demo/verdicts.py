"""The demo's published round as its committee scored it and its objections left it (called by demo/rounds.py).

Committee: five sample evaluators (demo/base.py) are named the day after the close, each is assigned every
eligible application, declares no conflict of interest and scores it over the next days; one recuses from
one application with a reason; staff finalise the scores (the minutes) at the round's scoring moment,
before the pool freeze. Objections, after publication and before the first order: a supplier's
objection is dismissed; staff move an allocation to another institution at a buyer's request, which
frees budget, and a waitlisted supplier's objection is upheld with reinstatement from the waitlist
(result version 2). Everything runs through the ordinary services as at its moment, so the audit trail
records it in time order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select

from ..domain import selection
from ..domain.states import ApplicationStatus
from ..extensions import db
from ..models import Allocation, Application, Institution, Round, User
from ..models.types import as_at
from ..services import allocations, applications, committee, committee_work, draws, objection_remedies, objections
from .base import EVALUATORS
from .timeline import HalfRound, at_kst

RECUSING = (3, 2)  # evaluator3 recuses from the third eligible application
RECUSAL_REASON = "(예시) 신청기업과 최근 3년 내 자문 계약을 맺은 적이 있음"
EVIDENCE = b"%PDF-1.4\n% sample objection evidence (demo)\n%%EOF\n"
CAPS = (40, 30, 30)
RESULTS = (ApplicationStatus.NOT_SELECTED, ApplicationStatus.WAITLISTED, ApplicationStatus.SELECTED)
REASONS = ("(예시) 혁신성 점수가 인증 내용보다 낮게 매겨졌음", "(예시) 대기 순번 산정에 가중치가 잘못 적용되었음")


def evaluator_email(n: int) -> str:
    return f"evaluator{n}@demo.example"


def _evaluators() -> list[User]:
    emails = [evaluator_email(n) for n in range(1, EVALUATORS + 1)]
    return list(db.session.scalars(select(User).where(User.email.in_(emails)).order_by(User.email)))


def _moments(start: datetime, step: timedelta) -> Iterator[datetime]:
    moment = start
    while True:
        yield moment
        moment += step


def score_committee(staff: User, round_: Round, half: HalfRound) -> None:
    """Name the evaluators, have each declare and score (one recusal), then finalise at half.scored_at."""
    members = _evaluators()
    named = _moments(at_kst(half.close_day + timedelta(days=1)), timedelta(minutes=5))
    for user in members:
        with as_at(next(named)):
            committee.name_member(staff, round_.code, user.email, user.name)
    eligible = sorted((a for a in round_.applications if a.status == ApplicationStatus.ELIGIBLE), key=lambda a: a.id)
    for k, user in enumerate(members, start=1):
        start = at_kst(half.close_day + timedelta(days=2 + (k - 1) // 2), 9 + 3 * ((k - 1) % 2))
        moments = _moments(start, timedelta(seconds=20))
        for n, application in enumerate(eligible):
            _evaluate(user, application, (k, n), moments)
    with as_at(half.scored_at):
        committee.finalise_scores(staff, round_.code)


def _evaluate(user: User, application: Application, position: tuple[int, int], moments: Iterator[datetime]) -> None:
    if position == RECUSING:
        with as_at(next(moments)):
            committee_work.recuse(user, application.id, RECUSAL_REASON)
        return
    with as_at(next(moments)):
        committee_work.declare_no_conflict(user, application.id)
    with as_at(next(moments)):
        committee_work.score(user, application.id, _scores(*position))


def _scores(k: int, n: int) -> committee_work.Scores:
    """Member k's scores of the n-th application: the application's merit, give or take a point or two."""
    base = (20 + (n * 7) % 21, 15 + (n * 5) % 16, 15 + (n * 3) % 16)
    spread = ((n + k) % 3 - 1, (n + 2 * k) % 3 - 1, (k % 2) * 2 - 1)
    innovation, capability, need = (max(0, min(cap, b + s)) for b, s, cap in zip(base, spread, CAPS, strict=True))
    return committee_work.Scores(innovation, capability, need)


def _suppliers() -> dict[int, User]:
    """The demo's supplier logins by their company."""
    users = db.session.scalars(
        select(User).where(User.email.like("supplier%@demo.example"), User.company_id.is_not(None))
    )
    return {u.company_id: u for u in users if u.company_id is not None}


def _plan(round_: Round, owned: list[Application]) -> tuple[Allocation, Institution, Application] | None:
    """An allocation staff may move to another institution so that the budget it frees lets a waitlisted
    application with a supplier login be reinstated; None when there is none."""
    manifest = selection.manifest_from_json(draws.drawn(round_).manifest_json)
    current = applications.current_result(round_, manifest)
    waitlisted = [a for a in owned if a.status == ApplicationStatus.WAITLISTED]
    for allocation in allocations.allocations_of(round_.id):
        for target in (t.institution for t in allocations.move_targets(allocation) if t.allowed):
            after = _moved(current, allocation, target.code)
            for objecting in waitlisted:
                if selection.reinstate_from_waitlist(manifest, after, objecting.id)[1] is not None:
                    return allocation, target, objecting
    return None


def _moved(result: selection.DrawResult, allocation: Allocation, code: str) -> selection.DrawResult:
    remaining = dict(result.remaining)
    remaining[allocation.institution.code] += allocation.amount_krw
    remaining[code] -= allocation.amount_krw
    selected = tuple(
        replace(a, institution_code=code) if a.app_id == allocation.application_id else a for a in result.selected
    )
    return replace(result, remaining=remaining, selected=selected)


def object_to_result(staff: User, round_: Round, half: HalfRound) -> str:
    """One objection dismissed and one upheld with reinstatement, the day after publication and the next."""
    suppliers = _suppliers()
    owned = sorted((a for a in round_.applications if a.company_id in suppliers), key=lambda a: a.id)
    plan = _plan(round_, owned)
    if plan is None:
        return "rounds: no sample objection (no waitlisted application could be reinstated)"
    moved, target, objecting = plan
    dismissed = next(a for a in owned if a.status in RESULTS and a.id != objecting.id)
    day = half.published_on + timedelta(days=1)
    with as_at(at_kst(day, 10)):
        allocations.move(staff, moved.id, target.id, "(예시) 수요기관의 요청으로 다른 기관 예산으로 옮김")
    first = _file(suppliers[dismissed.company_id], dismissed, at_kst(day, 11), REASONS[0])
    second = _file(suppliers[objecting.company_id], objecting, at_kst(day, 14), REASONS[1])
    decided = day + timedelta(days=1)
    with as_at(at_kst(decided, 10)):
        objections.decide(staff, first.id, False, "(예시) 평가위원회의 점수는 공고된 평가기준에 따라 매겨졌음")
    with as_at(at_kst(decided, 11)):
        objections.decide(staff, second.id, True, "(예시) 대기 순번 산정에 가중치가 잘못 적용된 것이 확인됨")
    with as_at(at_kst(decided, 14)):
        objection_remedies.reinstate(staff, second.id, "(예시) 남은 라운드 예산으로 대기자 중에서 복원")
    return f"rounds: {round_.code} objections: 1 dismissed, 1 upheld with reinstatement (result version 2)"


def _file(user: User, application: Application, at: datetime, reasons: str):
    with as_at(at):
        upload = objections.Upload(EVIDENCE, "evidence-sample.pdf")
        return objections.file_objection(user, application.id, reasons, [upload], max_bytes=1_000_000)
