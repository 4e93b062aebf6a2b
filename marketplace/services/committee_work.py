"""A committee member's own work: the applications assigned to them, the declaration or recusal, the scores.

Every read and write starts from the assignment of (application, signed-in member): another member's
assignment, or an application not assigned to this member, is NotFound, the same as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..database import begin_write
from ..domain import committee as rules
from ..domain import rounds as round_rules
from ..domain.errors import N_, NotFound
from ..extensions import db
from ..models import Application, CommitteeAssignment, Round, User
from ..models.types import utcnow
from .audit import record_event


@dataclass(frozen=True)
class Scores:
    """One member's scores on the decree's three criteria, each with its comment."""

    innovation: int
    capability: int
    need: int
    comments: tuple[str, str, str] = ("", "", "")


def my_assignments(member: User) -> list[CommitteeAssignment]:
    """The member's assignments, newest round first, with their applications, in one query."""
    return list(
        db.session.scalars(
            select(CommitteeAssignment)
            .join(CommitteeAssignment.application)
            .where(CommitteeAssignment.user_id == member.id)
            .options(
                joinedload(CommitteeAssignment.application).joinedload(Application.round),
                joinedload(CommitteeAssignment.application).joinedload(Application.product),
                joinedload(CommitteeAssignment.application).joinedload(Application.company),
            )
            .order_by(Application.round_id.desc(), Application.id)
        ).unique()
    )


def my_assignment(member: User, application_id: int, *, lock: bool = False) -> CommitteeAssignment:
    """The member's assignment to the application; NotFound for any application not assigned to them.

    With lock, the round's row is locked first, then the assignment read afresh: staff finalising the
    scores lock the same round row, so a score is either in the minutes or refused as too late."""
    query = select(CommitteeAssignment).where(
        CommitteeAssignment.application_id == application_id, CommitteeAssignment.user_id == member.id
    )
    row = db.session.scalar(query)
    if row is None:
        raise NotFound(N_("There is no such application."))
    if lock:
        locked = select(Round.id).where(Round.id == row.round_id).with_for_update()
        db.session.scalar(locked)
        row = db.session.scalar(query.execution_options(populate_existing=True))
        if row is None:  # staff took it away meanwhile
            raise NotFound(N_("There is no such application."))
    return row


def _standing(row: CommitteeAssignment) -> rules.MemberStanding:
    round_ = db.session.scalar(select(Round).where(Round.id == row.round_id).execution_options(populate_existing=True))
    finalised = round_ is None or round_.scores_finalised_at is not None or round_.draw is not None
    return rules.MemberStanding(row.declared_at, row.recused_at, finalised)


def declare_no_conflict(member: User, application_id: int) -> CommitteeAssignment:
    """Record, with its time, the member's statement that they have no conflict of interest."""
    begin_write()
    row = my_assignment(member, application_id, lock=True)
    rules.require_undecided(_standing(row))
    row.declared_at = utcnow()
    record_event(member, "committee.declared", row, after={"application_id": application_id})
    db.session.commit()
    return row


def recuse(member: User, application_id: int, reason: str) -> CommitteeAssignment:
    """Recuse the member from the application, with a reason (required); they can then never score it."""
    begin_write()
    row = my_assignment(member, application_id, lock=True)
    rules.require_undecided(_standing(row))
    row.recusal_reason = rules.check_reason(reason)
    row.recused_at = utcnow()
    record_event(member, "committee.recused", row, after={"application_id": application_id}, reason=row.recusal_reason)
    db.session.commit()
    return row


def score(member: User, application_id: int, scores: Scores) -> CommitteeAssignment:
    """Record or change the member's scores and comments, after their declaration, until the scores are final.
    Raises CommitteeError (order, recusal, final) or ScoreError (a score out of its range)."""
    begin_write()
    row = my_assignment(member, application_id, lock=True)
    rules.require_may_score(_standing(row))
    total = round_rules.check_scores(scores.innovation, scores.capability, scores.need)
    comments = rules.check_comments(scores.comments)
    before = {"scores": [row.score_innovation, row.score_capability, row.score_need]}
    row.score_innovation, row.score_capability, row.score_need = scores.innovation, scores.capability, scores.need
    row.comment_innovation, row.comment_capability, row.comment_need = comments
    row.scored_at = utcnow()
    after = {"scores": [scores.innovation, scores.capability, scores.need], "total": total, "comments": list(comments)}
    record_event(member, "committee.scored", row, before=before, after=after)
    db.session.commit()
    return row
