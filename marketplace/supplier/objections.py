"""A supplier objects to its application's published result within 7 days, and follows its objection."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import objections as rules
from ..domain.errors import DomainError, NotFound
from ..domain.uploads import UploadRefused
from ..forms import attach_error, filled, rerender
from ..i18n import domain_message
from ..objection_forms import ObjectionForm
from ..services import applications, objections
from .views import bp


def _uploads(form: ObjectionForm) -> list[objections.Upload]:
    cap = current_app.config["MAX_UPLOAD_BYTES"]
    files = [f for f in (form.documents.data or []) if getattr(f, "filename", "")]
    return [objections.Upload(f.stream.read(cap + 1), f.filename) for f in files]


def _context(application, form: ObjectionForm | None) -> dict:
    published = objections.published_at(application.round)
    refused = objections.refusal(application)
    return dict(
        application=application,
        form=form,
        existing=objections.objection_of(application.id),
        last_day=rules.last_day(published) if published else None,
        refusal=domain_message(refused) if refused else "",
    )


@bp.route("/applications/<int:application_id>/objection", methods=["GET", "POST"])
def object_to_result(application_id: int):
    """File the one objection to the application's published result, within 7 days of publication."""
    application = applications.own_application(current_user, application_id)
    form = ObjectionForm()
    if not form.is_submitted():
        context = _context(application, form)
        context["form"] = None if context["refusal"] else form
        return render_template("supplier/objection_form.html", **context)
    if form.validate():
        try:
            row = objections.file_objection(
                current_user,
                application_id,
                filled(form.reasons.data),
                _uploads(form),
                max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
            )
        except NotFound:
            raise
        except DomainError as error:
            attach_error(form, "documents" if isinstance(error, UploadRefused) else None, error)
        else:
            flash(_("Your objection was filed. The ministry will decide it by %(due)s.", due=row.due_on), "success")
            return redirect(url_for("supplier.objection", objection_id=row.id))
    return rerender("supplier/objection_form.html", **_context(application, form))


@bp.get("/objections/<int:objection_id>")
def objection(objection_id: int):
    """One of the company's own objections with its decision and remedy (another company's: 404)."""
    row = objections.own_objection(current_user, objection_id)
    return render_template("supplier/objection.html", objection=row)
