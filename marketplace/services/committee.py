"""A round's evaluation committee, staff's side: name and remove members, assign applications, finalise.

Rounds scored by staff (the three scores typed on the round page) keep working unchanged. A round whose
staff named at least one member is a committee round: staff no longer type its scores, and freezing its
pool waits until staff finalise the committee's scores (finalise_scores), which writes each eligible
application's committee score (domain/committee.py committee_score) where the pass mark is read
(Application.total_score) and stores the minutes' canonical JSON and SHA-256 on the round.

Every eligible application is assigned to every member by default: when a member is named to a closed
round, and when a round with members closes (assign_at_close). Staff then remove or add single members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..domain import committee as rules
from ..domain.errors import N_, DomainError, NotFound
from ..domain.hashing import canonical_json, sha256_hex
from ..domain.states import ApplicationStatus, NotificationKind, RoundStatus, TokenPurpose, UserRole
from ..extensions import db
from ..models import Application, CommitteeAssignment, CommitteeMember, Round, User
from ..models.types import utcnow
from . import committee_minutes, notifications
from . import rounds as round_service
from .accounts import find_user_by_email, new_user
from .audit import record_event
from .links import public_url
from .outbox import queue_mail, request_delivery
from .tokens import issue_token, token_hash

TOKEN_HOURS = 72


@dataclass(frozen=True)
class CommitteePage:
    """What the staff's committee page shows: the members, the eligible applications and who is on each."""

    round: Round
    members: list[CommitteeMember]
    applications: list[Application]
    assignments: dict[int, list[CommitteeAssignment]]  # by application id


def has_committee(round_id: int) -> bool:
    """Whether staff named an evaluation committee for the round (its scores then come from the members)."""
    return db.session.scalar(select(func.count()).where(CommitteeMember.round_id == round_id)) != 0


def committee_page(code: str) -> CommitteePage:
    """The round's committee, its eligible applications and their assignments, in three queries."""
    round_ = round_service.get_round(code)
    members = list(
        db.session.scalars(
            select(CommitteeMember)
            .where(CommitteeMember.round_id == round_.id)
            .options(selectinload(CommitteeMember.user))
            .order_by(CommitteeMember.id)
        )
    )
    applications = _eligible(round_)
    by_application: dict[int, list[CommitteeAssignment]] = {a.id: [] for a in applications}
    for row in db.session.scalars(
        select(CommitteeAssignment)
        .where(CommitteeAssignment.round_id == round_.id)
        .options(selectinload(CommitteeAssignment.user))
        .order_by(CommitteeAssignment.id)
    ):
        by_application.setdefault(row.application_id, []).append(row)
    return CommitteePage(round_, members, applications, by_application)


def _eligible(round_: Round) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.round_id == round_.id, Application.status == ApplicationStatus.ELIGIBLE)
            .options(selectinload(Application.company), selectinload(Application.product))
            .order_by(Application.id)
        )
    )


def _open_round(code: str) -> Round:
    """The round, locked, whose committee may still change; raises NotFound or CommitteeError."""
    round_ = round_service.get_round(code, lock=True)
    rules.require_open(round_.scores_finalised_at is not None)
    if round_.draw is not None:
        raise rules.CommitteeError(N_("The pool is frozen; the committee can no longer change."))
    return round_


def name_member(
    actor: User, code: str, email: str, name: str, *, now: datetime | None = None
) -> tuple[User, str | None]:
    """Name an evaluator to the round's committee: an existing evaluator account by its address, or a new one
    invited by a one-time set-password link (returned, for staff to see while mail is kept for development).
    On a closed round the member is assigned every eligible application. Raises CommitteeError."""
    begin_write()
    now = now or utcnow()
    round_ = _open_round(code)
    if any(a.score_innovation is not None for a in round_.applications):
        raise rules.CommitteeError(N_("Staff already typed scores in this round; it cannot have a committee now."))
    user, token = _evaluator(actor, email, name, now)
    if db.session.scalar(select(CommitteeMember.id).where(_member_of(round_, user.id))) is not None:
        raise rules.CommitteeError(N_("%(name)s is already a member of this committee."), name=user.name)
    member = CommitteeMember(round=round_, user=user, named_at=now, named_by_id=actor.id)
    db.session.add(member)
    record_event(actor, "committee.member_named", member, after={"name": user.name, "round": round_.code})
    if round_.status == RoundStatus.CLOSED:
        _assign(actor, round_, [member], _eligible(round_), now)
    db.session.commit()
    request_delivery()
    return user, token


def _member_of(round_: Round, user_id: int):
    return (CommitteeMember.round_id == round_.id) & (CommitteeMember.user_id == user_id)


def _evaluator(actor: User, email: str, name: str, now: datetime) -> tuple[User, str | None]:
    """The evaluator account with this address, or a new one with an invitation link; never another role's."""
    existing = find_user_by_email(email)
    if existing is not None:
        if existing.role != UserRole.EVALUATOR or existing.closed_at is not None:
            raise rules.CommitteeError(N_("An account with this e-mail address already exists."))
        return existing, None
    if not (name or "").strip():
        raise rules.CommitteeError(N_("Enter the member's name."))
    user = new_user(email=email, name=name[:100], role=UserRole.EVALUATOR, password=None)
    db.session.flush()
    token = issue_token(user, TokenPurpose.SET_PASSWORD, now, timedelta(hours=TOKEN_HOURS))
    link = public_url("auth.set_password", token=token)
    context = {"link": link, "hours": TOKEN_HOURS, "inviter": actor}
    queue_mail(user, "committee_invitation", context, f"committee-invitation:{token_hash(token)[:24]}")
    record_event(actor, "evaluator.invited", user, after={"email": user.email})
    return user, token


def remove_member(actor: User, code: str, member_id: int) -> None:
    """Remove a member and all their assignments (scores included) before the scores are final."""
    begin_write()
    round_ = _open_round(code)
    member = db.session.get(CommitteeMember, member_id)
    if member is None or member.round_id != round_.id:
        raise NotFound(N_("There is no such committee member."))
    rows = list(db.session.scalars(select(CommitteeAssignment).where(CommitteeAssignment.member_id == member.id)))
    record_event(
        actor,
        "committee.member_removed",
        member,
        before={"name": member.user.name, "applications": [r.application_id for r in rows]},
    )
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    db.session.delete(member)
    db.session.commit()


def assign_member(actor: User, code: str, application_id: int, member_id: int) -> CommitteeAssignment:
    """Add one member to one eligible application of the round. Raises NotFound or CommitteeError."""
    begin_write()
    round_ = _open_round(code)
    application = db.session.get(Application, application_id)
    member = db.session.get(CommitteeMember, member_id)
    if application is None or application.round_id != round_.id or member is None or member.round_id != round_.id:
        raise NotFound(N_("There is no such application or member in this round."))
    if application.status != ApplicationStatus.ELIGIBLE:
        raise rules.CommitteeError(N_("Only eligible applications are evaluated."))
    taken = select(CommitteeAssignment.id).where(
        CommitteeAssignment.application_id == application.id, CommitteeAssignment.user_id == member.user_id
    )
    if db.session.scalar(taken) is not None:
        raise rules.CommitteeError(N_("%(name)s is already assigned this application."), name=member.user.name)
    (row,) = _assign(actor, round_, [member], [application], utcnow())
    db.session.commit()
    return row


def unassign(actor: User, code: str, assignment_id: int) -> None:
    """Take one application away from one member (their declaration and scores on it go too)."""
    begin_write()
    round_ = _open_round(code)
    row = db.session.get(CommitteeAssignment, assignment_id)
    if row is None or row.round_id != round_.id:
        raise NotFound(N_("There is no such assignment."))
    record_event(
        actor,
        "committee.unassigned",
        row,
        before={"name": row.user.name, "application_id": row.application_id, "scores": _scores(row)},
    )
    db.session.delete(row)
    db.session.commit()


def assign_at_close(actor: User | None, round_: Round) -> None:
    """At the round's close: every member gets every eligible application (inside the close's transaction)."""
    members = list(db.session.scalars(select(CommitteeMember).where(CommitteeMember.round_id == round_.id)))
    if members:
        db.session.flush()  # the applications' new states
        _assign(actor, round_, members, _eligible(round_), utcnow())


def _assign(actor, round_: Round, members, applications, now: datetime) -> list[CommitteeAssignment]:
    """Assign each application to each member who does not have it, audited; each member is told once."""
    have = {
        (application_id, user_id)
        for application_id, user_id in db.session.execute(
            select(CommitteeAssignment.application_id, CommitteeAssignment.user_id).where(
                CommitteeAssignment.round_id == round_.id
            )
        )
    }
    made: list[CommitteeAssignment] = []
    for member in members:
        rows = [
            CommitteeAssignment(
                round_id=round_.id, application=a, member=member, user_id=member.user_id, assigned_at=now
            )
            for a in applications
            if (a.id, member.user_id) not in have
        ]
        db.session.add_all(rows)
        db.session.flush()
        for row in rows:
            record_event(
                actor, "committee.assigned", row, after={"name": member.user.name, "application_id": row.application_id}
            )
        if rows:
            _tell(member, round_, rows)
        made.extend(rows)
    return made


def _tell(member: CommitteeMember, round_: Round, rows: list[CommitteeAssignment]) -> None:
    notifications.notify(
        member.user,
        NotificationKind.COMMITTEE_ASSIGNED,
        f"committee-assigned:{round_.code}:{rows[0].id}:{len(rows)}",
        {"round": round_.code, "count": len(rows)},
        notifications.link_path("evaluator.dashboard"),
    )


def _scores(row: CommitteeAssignment) -> list[int | None]:
    return [row.score_innovation, row.score_capability, row.score_need]


def finalise_scores(actor: User, code: str) -> Round:
    """Make the committee's scores final: each eligible application gets its committee score, the minutes'
    JSON and SHA-256 are stored. Refused while an assignment is neither scored nor recused, or an eligible
    application has no member's score (remove or reassign members first). Raises CommitteeError."""
    begin_write()
    round_ = _open_round(code)
    if round_.status != RoundStatus.CLOSED:
        raise rules.CommitteeError(N_("Scores are final only after the round closes."))
    if not has_committee(round_.id):
        raise rules.CommitteeError(N_("This round has no committee: staff type its scores."))
    page = committee_page(code)
    _require_complete(page)
    moment = utcnow()
    for application in page.applications:
        totals = [r.total for r in page.assignments[application.id] if r.total is not None]
        score = rules.committee_score(totals)
        if score is None:  # _require_complete refused this
            raise DomainError(N_("An eligible application has no score."))
        application.committee_score_hundredths, application.scored_at = rules.to_hundredths(score), moment
        record_event(actor, "application.scored", application, after={"total": str(score), "members": len(totals)})
    round_.scores_finalised_at, round_.scores_finalised_by_id = moment, actor.id
    round_.minutes_json = canonical_json(committee_minutes.build(page, actor, moment))
    round_.minutes_sha256 = sha256_hex(round_.minutes_json)
    record_event(actor, "committee.finalised", round_, after={"minutes_sha256": round_.minutes_sha256})
    db.session.commit()
    return round_


def _require_complete(page: CommitteePage) -> None:
    waiting = [r for rows in page.assignments.values() for r in rows if r.recused_at is None and r.total is None]
    if waiting:
        raise rules.CommitteeError(
            N_("%(count)s assignments are neither scored nor recused: wait for them or remove them."),
            count=len(waiting),
        )
    unscored = [a for a in page.applications if not any(r.total is not None for r in page.assignments[a.id])]
    if unscored:
        raise rules.CommitteeError(
            N_("%(count)s eligible applications have no member's score: assign another member."),
            count=len(unscored),
        )
