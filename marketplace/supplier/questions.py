"""A supplier asks a question during an open round, and reads its own questions."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..forms import attach_error, filled, rerender
from ..question_forms import QuestionForm
from ..services import questions
from ..services import rounds as round_service
from .views import bp


@bp.post("/rounds/<round_code>/questions")
def ask_question(round_code: str):
    """Ask a question about an open round; its answer is published to all, without the asker."""
    form = QuestionForm()
    round_ = round_service.get_round(round_code)
    if form.validate_on_submit():
        try:
            questions.ask(current_user, round_code, filled(form.question.data))
        except NotFound:
            raise
        except DomainError as error:
            attach_error(form, "question", error)
        else:
            flash(_("Your question was sent. Its answer will be published on the round's page."), "success")
            return redirect(url_for("public.round", round_code=round_code, _anchor="questions"))
    return rerender("supplier/ask_question.html", form=form, round=round_, deadline=questions.deadline_of(round_))


@bp.get("/questions/<int:question_id>")
def question(question_id: int):
    """One of the company's own questions, answered or not (another company's: 404)."""
    row = questions.own_question(current_user, question_id)
    return render_template("supplier/question.html", question=row)
