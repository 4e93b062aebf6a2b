"""Ministry staff read objections to round results, decide them by their due date and record remedies."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import N_, DomainError, NotFound
from ..domain.rounds import ScoreError, kst_minute
from ..domain.seed_events import SeedEventError
from ..domain.states import ObjectionRemedyKind
from ..forms import attach_error, filled, rerender
from ..objection_forms import ObjectionDecisionForm, RedrawForm, RemedyForm
from ..security import private_download
from ..services import objection_remedies, objections, track_redraws
from ..services import rounds as round_service
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


def _detail(objection_id: int, status: int = 200, decision=None, remedy=None, redraw_form=None):
    row = objections.get_objection(objection_id)
    redraw = track_redraws.redraw_of(objection_id)
    context = dict(
        objection=row,
        today=objections.seoul_today(),
        overdue=objections.is_overdue(row, objections.seoul_today()),
        decision_form=decision or ObjectionDecisionForm(formdata=None),
        remedy_form=remedy or RemedyForm(formdata=None),
        redraw=redraw,
        redraw_form=redraw_form or RedrawForm(formdata=None),
        event_passed=redraw is not None and round_service.now() >= redraw.seed_event_at,
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


def _scores(form: RemedyForm, required: bool) -> tuple[int, int, int] | None:
    """The three corrected scores; None when none is given and they are optional."""
    scores = (form.innovation.data, form.capability.data, form.need.data)
    if all(score is None for score in scores) and not required:
        return None
    if any(score is None for score in scores):
        raise ScoreError(N_("Enter the three corrected scores."))
    return scores  # type: ignore[return-value]


def _new_event_at(form: RemedyForm):
    day, moment = form.seed_event_on.data, form.seed_event_time.data
    if day is None or moment is None:
        raise SeedEventError(N_("Enter the date and time of the new seed event (KST)."))
    return kst_minute(day, moment)


def _apply_remedy(objection_id: int, form: RemedyForm) -> None:
    note = filled(form.note.data)
    if form.remedy.data == ObjectionRemedyKind.RESCORED:
        scores = _scores(form, required=True)
        assert scores is not None
        objection_remedies.rescore(current_user, objection_id, scores, note)
    elif form.remedy.data == ObjectionRemedyKind.REINSTATED:
        objection_remedies.reinstate(current_user, objection_id, note)
    else:
        event_at = _new_event_at(form)
        ko, en = form.seed_event_ko.data or "", form.seed_event_en.data or ""
        track_redraws.freeze_redraw(current_user, objection_id, _scores(form, required=False), note, ko, en, event_at)


@bp.post("/objections/<int:objection_id>/remedy")
def record_remedy(objection_id: int):
    """Record the remedy of an upheld objection: rescoring, reinstatement, or a new draw of the track (its
    manifest and new seed event frozen and published; drawn later with run_redraw)."""
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


@bp.post("/objections/<int:objection_id>/redraw")
def run_redraw(objection_id: int):
    """Run the new draw of the track with its seed event's outcome, after the event; drawn once."""
    objections.get_objection(objection_id)
    form = RedrawForm()
    if form.validate_on_submit():
        try:
            track_redraws.run_redraw(current_user, objection_id, form.seed.data or "")
        except NotFound:
            raise
        except DomainError as error:
            attach_error(form, None, error)
        else:
            flash(_("The new draw has run: its result is published as a new result version."), "success")
            return redirect(url_for("ministry.objection", objection_id=objection_id))
    return _detail(objection_id, 400, redraw_form=form)


@bp.get("/objections/<int:objection_id>/documents/<int:file_id>")
def objection_document(objection_id: int, file_id: int):
    """A document the applicant attached, always as a download."""
    stored, data = objections.document(objection_id, file_id)
    return private_download(data, stored.content_type, download_name(stored, f"objection-{objection_id}-{file_id}"))
