"""Questions during a round: suppliers ask, the ministry answers, answers are published to all.

The asker is never published: the public list (published_questions) selects the question, the answer
and when it was published, nothing else; OCDS releases and exports do not read round_questions.
Questions and answers close at the round's answer deadline (domain/working_days.py answer_deadline):
one working day before the close, so everyone has a working day to read every answer. A question asked
later could not be answered in time, so it is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..database import begin_write
from ..domain.clock import kst_text
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import QuestionStatus, RoundStatus
from ..domain.working_days import CalendarNotKnown, answer_deadline
from ..extensions import db
from ..models import Round, RoundQuestion, User
from . import rounds
from .audit import record_event
from .ownership import own_company

MAX_LENGTH = 2000


@dataclass(frozen=True)
class PublishedQuestion:
    """What anyone may read: the question and its answer, never who asked."""

    question: str
    answer: str
    published_at: datetime | None  # always set once answered


def deadline_of(round_: Round) -> datetime | None:
    """The round's answer deadline, or None when the working-day calendar does not cover its close."""
    try:
        return answer_deadline(round_.closes_at)
    except CalendarNotKnown:
        return None


def _check_open_for_questions(round_: Round, at: datetime) -> None:
    deadline = answer_deadline(round_.closes_at)  # CalendarNotKnown is a DomainError: refused with its reason
    if round_.status != RoundStatus.OPEN or at < round_.opens_at:
        raise DomainError(N_("Questions are taken only while the round is open."))
    if at > deadline:
        raise DomainError(
            N_(
                "Questions and answers closed at %(deadline)s, one working day before the round closes, "
                "so that everyone has a working day to read every answer."
            ),
            deadline=kst_text(deadline),
        )


def _text(value: str, empty: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(empty)
    if len(text) > MAX_LENGTH:
        raise DomainError(N_("Keep it to %(max)d characters (it has %(count)d)."), max=MAX_LENGTH, count=len(text))
    return text


def ask(user: User, round_code: str, question: str, *, at: datetime | None = None) -> RoundQuestion:
    """A supplier asks a question about an open round. Raises NotFound or DomainError (closed, after the
    answer deadline, empty or too long, calendar unknown)."""
    text = _text(question, N_("Write your question."))
    begin_write()
    at = at or rounds.now()
    round_ = rounds.get_round(round_code, lock=True)
    if round_.status == RoundStatus.DRAFT:
        raise NotFound(N_("There is no round with code %(code)s."), code=round_code)
    _check_open_for_questions(round_, at)
    company = own_company(user)
    row = RoundQuestion(round_id=round_.id, asked_by_id=user.id, company_id=company.id, question=text, asked_at=at)
    db.session.add(row)
    record_event(user, "question.asked", row, after={"round": round_.code, "question": text})
    db.session.commit()
    return row


def answer(staff: User, question_id: int, text: str, *, at: datetime | None = None) -> RoundQuestion:
    """Staff answer a question; the answer is published to all at once. Refused after the answer
    deadline (with the deadline) and for a question already answered. Raises NotFound or DomainError."""
    answer_text = _text(text, N_("Write the answer."))
    begin_write()
    at = at or rounds.now()
    row = db.session.scalar(
        select(RoundQuestion)
        .where(RoundQuestion.id == question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(N_("There is no such question."))
    if row.status != QuestionStatus.ASKED:
        raise DomainError(N_("This question has already been answered."))
    round_ = row.round
    deadline = answer_deadline(round_.closes_at)
    if at > deadline:
        raise DomainError(
            N_(
                "Answers can no longer be published: the answer deadline was %(deadline)s, one working day "
                "before the round closes."
            ),
            deadline=kst_text(deadline),
        )
    row.answer, row.status, row.answered_by_id, row.published_at = answer_text, QuestionStatus.ANSWERED, staff.id, at
    record_event(staff, "question.answered", row, after={"round": round_.code, "answer": answer_text})
    db.session.commit()
    return row


def published_questions(round_id: int) -> list[PublishedQuestion]:
    """The answered questions of a round, oldest answer first, without their askers."""
    rows = db.session.execute(
        select(RoundQuestion.question, RoundQuestion.answer, RoundQuestion.published_at)
        .where(RoundQuestion.round_id == round_id, RoundQuestion.status == QuestionStatus.ANSWERED)
        .order_by(RoundQuestion.published_at, RoundQuestion.id)
    ).all()
    return [PublishedQuestion(*row) for row in rows]


def own_questions(user: User, round_id: int) -> list[RoundQuestion]:
    """The questions the supplier's company asked in a round, answered or not."""
    if not user.company_id:
        return []
    return list(
        db.session.scalars(
            select(RoundQuestion)
            .where(RoundQuestion.round_id == round_id, RoundQuestion.company_id == user.company_id)
            .order_by(RoundQuestion.asked_at, RoundQuestion.id)
        )
    )


def own_question(user: User, question_id: int) -> RoundQuestion:
    """One question of the supplier's company; another company's is NotFound (we do not say it exists)."""
    row = db.session.get(RoundQuestion, question_id)
    if row is None or not user.company_id or row.company_id != user.company_id:
        raise NotFound(N_("There is no such question."))
    return row


def round_questions(round_: Round) -> list[RoundQuestion]:
    """Every question of a round for the ministry, unanswered first."""
    return list(
        db.session.scalars(
            select(RoundQuestion)
            .where(RoundQuestion.round_id == round_.id)
            .order_by(RoundQuestion.status, RoundQuestion.asked_at, RoundQuestion.id)
        )
    )
