"""Ministry staff read objections to round results, decide them by their due date and record remedies."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import N_, DomainError, NotFound
from ..domain.rounds import ScoreError
from ..domain.states import ObjectionRemedyKind
from ..forms import attach_error, filled, rerender
from ..objection_forms import ObjectionDecisionForm, RemedyForm
from ..security import private_download
from ..services import objection_remedies, objections
from ..services.files import download_name
from .views import bp


@bp.get("/objections")
def objections_list():
    """Every objection: those waiting for a decision first, by due date, the overdue highlighted."""
    return render_template(
        "ministry/objections/list.html",
        rows=objections.all_objections(),
        today=objections.seoul_today(),
        overdue=objections.is_overdue,
    )


def _detail(objection_id: int, status: int = 200, decision=None, remedy=None):
    row = objections.get_objection(objection_id)
    context = dict(
        objection=row,
        today=objections.seoul_today(),
        overdue=objections.is_overdue(row, objections.seoul_today()),
        decision_form=decision or ObjectionDecisionForm(formdata=None),
        remedy_form=remedy or RemedyForm(formdata=None),
    )
    if status != 200:
        return rerender("ministry/objections/detail.html", status, **context)
    return render_template("ministry/objections/detail.html", **context)


@bp.get("/objections/<int:objection_id>")
def objection(objection_id: int):
    """One objection: the application, the reasons and documents, the decision and the remedy forms."""
    return _detail(objection_id)


@bp.post("/objections/<int:objection_id>/decide")
def decide_objection(objection_id: int):
    """Uphold or dismiss a filed objection with a reason; decided once."""
    objections.get_objection(objection_id)  # 404 before anything else
    form = ObjectionDecisionForm()
    if form.validate_on_submit():
        try:
            objections.decide(current_user, objection_id, form.decision.data == "upheld", filled(form.reason.data))
        except NotFound:
            raise
        except DomainError as error:
            attach_error(form, None, error)
        else:
            flash(_("The decision is recorded and published on the round's page."), "success")
            return redirect(url_for("ministry.objection", objection_id=objection_id))
    return _detail(objection_id, 400, decision=form)


def _apply_remedy(objection_id: int, form: RemedyForm) -> None:
    note = filled(form.note.data)
    if form.remedy.data == ObjectionRemedyKind.RESCORED:
        innovation, capability, need = form.innovation.data, form.capability.data, form.need.data
        if innovation is None or capability is None or need is None:
            raise ScoreError(N_("Enter the three corrected scores."))
        objection_remedies.rescore(current_user, objection_id, (innovation, capability, need), note)
    elif form.remedy.data == ObjectionRemedyKind.REINSTATED:
        objection_remedies.reinstate(current_user, objection_id, note)
    else:
        raise objection_remedies.new_draw_refused()


@bp.post("/objections/<int:objection_id>/remedy")
def record_remedy(objection_id: int):
    """Record the remedy of an upheld objection: rescoring or reinstatement (a new draw is refused)."""
    objections.get_objection(objection_id)
    form = RemedyForm()
    if form.validate_on_submit():
        try:
            _apply_remedy(objection_id, form)
        except NotFound:
            raise
        except DomainError as error:
            attach_error(form, None, error)
        else:
            flash(_("The remedy is recorded."), "success")
            return redirect(url_for("ministry.objection", objection_id=objection_id))
    return _detail(objection_id, 400, remedy=form)


@bp.get("/objections/<int:objection_id>/documents/<int:file_id>")
def objection_document(objection_id: int, file_id: int):
    """A document the applicant attached, always as a download."""
    stored, data = objections.document(objection_id, file_id)
    return private_download(data, stored.content_type, download_name(stored, f"objection-{objection_id}-{file_id}"))
