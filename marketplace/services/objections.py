"""Objections to a round's published result: an applicant files one per application within the window,
staff decide it (upheld or dismissed, with a reason) by its due date, and the decisions are published.

The public sees an objection only by its number in the round, its decision, the reason and the remedy:
never the company, the product or who filed it (published_decisions selects nothing else).
Remedies of upheld objections are in objection_remedies.py. The window: domain/objections.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..database import begin_write
from ..domain import objections as rules
from ..domain.clock import seoul_date
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import ApplicationStatus, ObjectionState, RoundStatus
from ..extensions import db
from ..models import Application, Objection, Round, StoredFile, User
from . import notices
from . import rounds as round_service
from .applications import own_application
from .audit import record_event
from .files import new_stored_file
from .outbox import request_delivery

MAX_LENGTH = 4000
MAX_DOCUMENTS = 3
DEFAULT_DECISION_DAYS = 14
# An application whose result can be objected to: the outcome of the check, the scores or the draw.
RESULTS = (
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.SELECTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.NOT_SELECTED,
)


@dataclass(frozen=True)
class Upload:
    """A document the supplier attached: its bytes as read (at most the cap + 1) and its file name."""

    data: bytes
    filename: str


@dataclass(frozen=True)
class PublishedDecision:
    """What anyone may read of a decided objection: never the company, product or filer."""

    number: int
    state: str
    reason: str
    decided_at: datetime | None
    remedy_kind: str | None
    result_version: int | None


def decision_days() -> int:
    """The setting OBJECTION_DECISION_DAYS: calendar days staff have to decide an objection."""
    return int(current_app.config.get("OBJECTION_DECISION_DAYS", DEFAULT_DECISION_DAYS))


def text_of(value: str | None, empty: str) -> str:
    """The text stripped; DomainError when empty or longer than MAX_LENGTH."""
    text = (value or "").strip()
    if not text:
        raise DomainError(empty)
    if len(text) > MAX_LENGTH:
        raise DomainError(N_("Keep it to %(max)d characters (it has %(count)d)."), max=MAX_LENGTH, count=len(text))
    return text


def published_at(round_: Round) -> datetime | None:
    """When the round's result was published; None while it is not."""
    if round_.status != RoundStatus.PUBLISHED or round_.draw is None:
        return None
    return round_.draw.published_at


def objection_of(application_id: int) -> Objection | None:
    return db.session.scalar(select(Objection).where(Objection.application_id == application_id))


def refusal(application: Application, at: datetime | None = None) -> rules.ObjectionRefused | None:
    """Why the applicant cannot object to the application's result now (window, no result, already filed),
    or None when it can: the page shows the button, or this reason, by the rule the filing checks."""
    try:
        _check_fileable(application, application.round, at or round_service.now())
    except rules.ObjectionRefused as error:
        return error
    return None


def may_object(application: Application, at: datetime | None = None) -> bool:
    """Whether the page offers the objection button: a result, no objection yet, the window open."""
    return refusal(application, at) is None


def _check_fileable(application: Application, round_: Round, at: datetime) -> None:
    rules.check_window(published_at(round_), at)
    if application.status not in RESULTS:
        raise rules.ObjectionRefused(N_("This application has no result to object to."))
    if objection_of(application.id) is not None:
        raise rules.ObjectionRefused(N_("You have already filed an objection to this application's result."))


def _documents(user: User, uploads: Sequence[Upload], max_bytes: int) -> list[StoredFile]:
    if len(uploads) > MAX_DOCUMENTS:
        raise rules.ObjectionRefused(N_("Attach at most %(max)d documents."), max=MAX_DOCUMENTS)
    return [new_stored_file(user, u.data, u.filename, max_bytes=max_bytes) for u in uploads]


def file_objection(
    user: User, application_id: int, reasons: str, uploads: Sequence[Upload], *, max_bytes: int
) -> Objection:
    """The applicant files its one objection to the application's published result, with its reasons and
    optional documents (checked like certificate scans). Raises NotFound (not the company's application),
    ObjectionRefused (window, no result, already filed, too many documents) or UploadRefused."""
    text = text_of(reasons, N_("Write the reasons for your objection."))
    begin_write()
    at = round_service.now()
    code = own_application(user, application_id).round.code
    round_ = round_service.get_round(code, lock=True)
    application = own_application(user, application_id, lock=True)
    _check_fileable(application, round_, at)
    number = (db.session.scalar(select(func.max(Objection.number)).where(Objection.round_id == round_.id)) or 0) + 1
    row = Objection(
        round_id=round_.id,
        application_id=application.id,
        company_id=application.company_id,
        filed_by_id=user.id,
        number=number,
        reasons=text,
        filed_at=at,
        due_on=rules.decision_due(at, decision_days()),
        documents=_documents(user, uploads, max_bytes),
    )
    db.session.add(row)
    db.session.flush()
    record_event(
        user,
        "objection.filed",
        row,
        company_id=application.company_id,
        after={
            "round": round_.code,
            "application_id": application.id,
            "number": number,
            "reasons": text,
            "documents": [d.sha256 for d in row.documents],
            "due_on": row.due_on.isoformat(),
        },
    )
    notices.objection_filed(row, round_)
    db.session.commit()
    request_delivery()
    return row


def locked_objection(objection_id: int) -> Objection:
    """The objection, its round locked first (the order every round change takes); NotFound otherwise."""
    code = db.session.scalar(
        select(Round.code).join(Objection, Objection.round_id == Round.id).where(Objection.id == objection_id)
    )
    if code is None:
        db.session.rollback()
        raise NotFound(N_("There is no such objection."))
    round_service.get_round(code, lock=True)
    return db.session.scalars(
        select(Objection)
        .where(Objection.id == objection_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def decide(staff: User, objection_id: int, upheld: bool, reason: str) -> Objection:
    """Staff uphold or dismiss a filed objection with a reason; the applicant is told and the decision is
    published without the applicant. Raises NotFound or ObjectionRefused (already decided)."""
    text = text_of(reason, N_("Write the reason for the decision."))
    begin_write()
    row = locked_objection(objection_id)
    try:
        rules.check_decidable(row.state)
    except rules.ObjectionRefused:
        db.session.rollback()
        raise
    row.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    row.decision_reason, row.decided_by_id, row.decided_at = text, staff.id, round_service.now()
    record_event(
        staff,
        f"objection.{row.state}",
        row,
        company_id=row.company_id,
        before={"state": ObjectionState.FILED},
        after={"state": row.state, "number": row.number},
        reason=text,
    )
    notices.objection_decided(row, row.application)
    db.session.commit()
    request_delivery()
    return row


def published_decisions(round_id: int) -> list[PublishedDecision]:
    """The round's decided objections by number, without their applicants."""
    rows = db.session.execute(
        select(
            Objection.number,
            Objection.state,
            Objection.decision_reason,
            Objection.decided_at,
            Objection.remedy_kind,
            Objection.result_version,
        )
        .where(Objection.round_id == round_id, Objection.state != ObjectionState.FILED)
        .order_by(Objection.number)
    ).all()
    return [PublishedDecision(*row) for row in rows]


_LOAD = (
    joinedload(Objection.round),
    joinedload(Objection.application).joinedload(Application.product),
    joinedload(Objection.application).joinedload(Application.company),
)


def own_objection(user: User, objection_id: int) -> Objection:
    """One objection of the supplier's company; another company's is NotFound (we do not say it exists)."""
    row = db.session.scalar(select(Objection).options(*_LOAD).where(Objection.id == objection_id))
    if row is None or not user.company_id or row.company_id != user.company_id:
        raise NotFound(N_("There is no such objection."))
    return row


def get_objection(objection_id: int) -> Objection:
    """One objection with its round, application, product and company, for staff; NotFound otherwise."""
    row = db.session.scalar(select(Objection).options(*_LOAD).where(Objection.id == objection_id))
    if row is None:
        raise NotFound(N_("There is no such objection."))
    return row


def all_objections() -> list[Objection]:
    """Every objection for the ministry: filed ones first by due date, then the decided, newest first."""
    rows = db.session.scalars(select(Objection).options(*_LOAD)).unique().all()
    pending = sorted((r for r in rows if r.state == ObjectionState.FILED), key=lambda r: (r.due_on, r.id))
    decided = sorted((r for r in rows if r.state != ObjectionState.FILED), key=lambda r: r.id, reverse=True)
    return pending + decided


def seoul_today() -> date:
    """Today in Seoul by the services' clock (the one the window and the due dates are decided by)."""
    return seoul_date(round_service.now())


def is_overdue(row: Objection, today: date) -> bool:
    return rules.overdue(row.state, row.due_on, today)


def document(objection_id: int, file_id: int) -> tuple[StoredFile, bytes]:
    """A document of an objection, for staff; NotFound when it is not one of its documents."""
    row = get_objection(objection_id)
    stored = next((d for d in row.documents if d.id == file_id), None)
    if stored is None:
        raise NotFound(N_("There is no such document."))
    return stored, stored.data
