"""Ministry staff read a round's questions and publish answers until the answer deadline."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..extensions import db
from ..forms import attach_error, filled, rerender
from ..models import Round, RoundQuestion
from ..question_forms import AnswerForm
from ..services import questions
from ..services import rounds as round_service
from .views import bp


def _page(round_: Round, status: int = 200, failed: tuple[int, AnswerForm] | None = None):
    rows = questions.round_questions(round_)
    forms = {row.id: AnswerForm(formdata=None) for row in rows}
    if failed:
        forms[failed[0]] = failed[1]
    context = dict(round=round_, rows=rows, forms=forms, deadline=questions.deadline_of(round_))
    if status != 200:
        return rerender("ministry/rounds/questions.html", status, **context)
    return render_template("ministry/rounds/questions.html", **context)


@bp.get("/rounds/<round_code>/questions")
def round_questions(round_code: str):
    """Every question of the round, unanswered first, with the answer deadline."""
    return _page(round_service.get_round(round_code))


@bp.post("/questions/<int:question_id>/answer")
def answer_question(question_id: int):
    """Publish the answer to a question; refused after the answer deadline."""
    row = db.get_or_404(RoundQuestion, question_id)
    round_ = row.round
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            questions.answer(current_user, question_id, filled(form.answer.data))
        except DomainError as error:
            attach_error(form, "answer", error)
        else:
            flash(_("The answer is published on the round's page."), "success")
            return redirect(url_for("ministry.round_questions", round_code=round_.code))
    return _page(round_, 400, (question_id, form))
