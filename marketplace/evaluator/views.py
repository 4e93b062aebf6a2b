"""A committee member's pages: only the applications assigned to them; any other id is the plain 404."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..forms import attach_error, filled, rerender
from ..services import committee_work
from .forms import CommitteeScoreForm, DeclareForm, RecuseForm

bp = Blueprint("evaluator", __name__, url_prefix="/evaluator")
DETAIL = "evaluator/application.html"


@bp.get("/")
def dashboard():
    """The applications assigned to the signed-in member, by round, with where each stands."""
    return render_template("evaluator/dashboard.html", assignments=committee_work.my_assignments(current_user))


def _detail(application_id: int, status: int = 200, **forms):
    row = committee_work.my_assignment(current_user, application_id)
    score_form = forms.pop("score_form", None) or CommitteeScoreForm(formdata=None, data=_score_data(row))
    return rerender(
        DETAIL,
        status,
        row=row,
        application=row.application,
        round=row.application.round,
        declare_form=forms.pop("declare_form", None) or DeclareForm(formdata=None),
        recuse_form=forms.pop("recuse_form", None) or RecuseForm(formdata=None),
        score_form=score_form,
    )


def _score_data(row) -> dict:
    return {
        "innovation": row.score_innovation,
        "capability": row.score_capability,
        "need": row.score_need,
        "comment_innovation": row.comment_innovation,
        "comment_capability": row.comment_capability,
        "comment_need": row.comment_need,
    }


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    """One assigned application: its facts, the declaration or recusal, then the scores."""
    return _detail(application_id)


def _refused(application_id: int, form, key: str, error: DomainError):
    attach_error(form, None, error)
    return _detail(application_id, 400, **{key: form})


@bp.post("/applications/<int:application_id>/declare")
def declare(application_id: int):
    """Declare no conflict of interest (recorded with its time); scoring opens after it."""
    form = DeclareForm()
    if not form.validate_on_submit():
        return _detail(application_id, 400, declare_form=form)
    try:
        committee_work.declare_no_conflict(current_user, application_id)
    except NotFound:
        raise
    except DomainError as error:
        return _refused(application_id, form, "declare_form", error)
    flash(_("Your declaration was recorded. You can score the application now."), "success")
    return redirect(url_for("evaluator.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/recuse")
def recuse(application_id: int):
    """Recuse yourself from the application, with a reason; you cannot score it afterwards."""
    form = RecuseForm()
    if not form.validate_on_submit():
        return _detail(application_id, 400, recuse_form=form)
    try:
        committee_work.recuse(current_user, application_id, filled(form.reason.data))
    except NotFound:
        raise
    except DomainError as error:
        return _refused(application_id, form, "recuse_form", error)
    flash(_("Your recusal was recorded."), "success")
    return redirect(url_for("evaluator.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/score")
def score(application_id: int):
    """Record or change your scores and comments on the three criteria, until staff finalise the scores."""
    form = CommitteeScoreForm()
    if not form.validate_on_submit():
        return _detail(application_id, 400, score_form=form)
    scores = committee_work.Scores(
        filled(form.innovation.data),
        filled(form.capability.data),
        filled(form.need.data),
        (form.comment_innovation.data or "", form.comment_capability.data or "", form.comment_need.data or ""),
    )
    try:
        committee_work.score(current_user, application_id, scores)
    except NotFound:
        raise
    except DomainError as error:
        return _refused(application_id, form, "score_form", error)
    flash(_("Your scores were saved."), "success")
    return redirect(url_for("evaluator.application", application_id=application_id))
