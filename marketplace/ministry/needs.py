"""Staff's side of the demand-driven track: the needs, each sent shortlist, and the selection."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..domain.states import NeedStatus
from ..forms import attach_error
from ..need_forms import ButtonForm
from ..routing import page_request
from ..services import need_selection, needs
from .views import bp


@bp.get("/needs")
def needs_list():
    """Every need, those whose shortlist waits for the committee first."""
    page = need_selection.ministry_needs(**page_request())
    return render_template("needs/ministry_list.html", needs=page, status_of=needs.status_of)


def _page(need_id: int, form: ButtonForm, status: int = 200):
    view = needs.get_need(need_id)
    context = {"need": view.need, "status": view.status, "proposals": needs.proposals_of(need_id), "form": form}
    return render_template("needs/ministry_need.html", **context), status


@bp.get("/needs/<int:need_id>")
def need(need_id: int):
    """A need with its shortlist, the committee's scores once final, and the selection button."""
    return _page(need_id, ButtonForm())


@bp.post("/needs/<int:need_id>/select")
def select_need(need_id: int):
    """Select the best shortlisted proposal at or above the pass mark: it becomes the institution's allocation."""
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            decided = need_selection.select_for_need(current_user, need_id)
        except NotFound:
            raise
        except DomainError as error:
            attach_error(form, None, error)
        else:
            if decided.status == NeedStatus.SELECTED:
                flash(_("The proposal was selected: its allocation is published to the institution."), "success")
            else:
                flash(
                    _("No shortlisted proposal reached the pass mark: the need is closed without a selection."),
                    "success",
                )
            return redirect(url_for("ministry.need", need_id=need_id))
    return _page(need_id, form, 400)
