"""A public institution asks to join the program; a route on the public blueprint."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from ..domain.errors import DomainError
from ..forms import attach_error, filled, rerender
from ..rate_limits import per_client
from ..services import institutions
from ..services.institutions import JoinRequest
from .forms import JoinRequestForm
from .views import bp


@bp.route("/join-institution", methods=["GET", "POST"])
@per_client("RATELIMIT_FORMS")
def join_institution():
    """The request form; ministry staff approve it and the contact is mailed a set-password link. The answer
    is the same when the contact's address already has an account (its owner is mailed a notice)."""
    form = JoinRequestForm()
    if not form.validate_on_submit():
        return rerender("public/join_institution.html", 400 if form.is_submitted() else 200, form=form)
    try:
        institutions.request_to_join(
            JoinRequest(
                filled(form.name_ko.data),
                form.name_en.data or "",
                form.kind.data,
                form.region.data,
                filled(form.contact_name.data),
                filled(form.contact_email.data),
            )
        )
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("public/join_institution.html", form=form)
    flash(_("Thank you. Ministry staff will review the request and contact you."), "success")
    return redirect(url_for("public.index"))
