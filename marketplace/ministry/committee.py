"""Ministry pages for a round's evaluation committee: members, assignments, finalisation and the minutes."""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import report_pages
from ..domain.errors import DomainError, NotFound
from ..forms import attach_error, choices, filled, rerender
from ..i18n import current_language, domain_message
from ..services import committee
from ..services import committee_minutes as minutes_service
from .committee_forms import AssignMemberForm, NameMemberForm
from .views import bp

PAGE = "ministry/rounds/committee.html"


def _page(round_code: str, status: int = 200, **extra):
    extra.setdefault("name_form", NameMemberForm(formdata=None))
    return rerender(PAGE, status, page=committee.committee_page(round_code), **extra)


def _back(round_code: str):
    return redirect(url_for("ministry.round_committee", round_code=round_code))


def _step(round_code: str, action, done: str):
    """Run one committee change; a refusal is flashed, an unknown id answers 404."""
    try:
        action()
    except NotFound:
        raise
    except DomainError as error:
        flash(domain_message(error), "error")
    else:
        flash(done, "success")
    return _back(round_code)


@bp.get("/rounds/<round_code>/committee")
def round_committee(round_code):
    """The round's evaluation committee: members, who evaluates which application, the scores, finalisation."""
    return _page(round_code)


def _dev_link(token: str | None) -> str | None:
    """The invitation's link for staff to see only when no mail server is set: the mail is not really sent."""
    if not token or current_app.config["MAIL_URL"]:
        return None
    return url_for("auth.set_password", token=token, _external=True)


@bp.post("/rounds/<round_code>/committee/members")
def name_committee_member(round_code):
    """Name a member: an evaluator account by its address, or a new one invited by a one-time link."""
    form = NameMemberForm()
    if not form.validate_on_submit():
        return _page(round_code, 400, name_form=form)
    try:
        user, token = committee.name_member(current_user, round_code, filled(form.email.data), filled(form.name.data))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return _page(round_code, 400, name_form=form)
    flash(_("%(name)s is a member of the committee.", name=user.name), "success")
    return _page(round_code, 200, invited=user, link=_dev_link(token))


@bp.post("/rounds/<round_code>/committee/members/<int:member_id>/remove")
def remove_committee_member(round_code, member_id: int):
    """Remove a member with all their assignments, before the scores are final."""
    return _step(
        round_code,
        lambda: committee.remove_member(current_user, round_code, member_id),
        _("The member was removed from the committee."),
    )


@bp.post("/rounds/<round_code>/committee/applications/<int:application_id>/assign")
def assign_committee_member(round_code, application_id: int):
    """Add one member to one application."""
    form = AssignMemberForm()
    form.member_id.choices = choices((m.id, m.user.name) for m in committee.committee_page(round_code).members)
    if not form.validate_on_submit():
        flash(_("Choose the member to add."), "error")
        return _page(round_code, 400)
    return _step(
        round_code,
        lambda: committee.assign_member(current_user, round_code, application_id, filled(form.member_id.data)),
        _("The member was assigned the application."),
    )


@bp.post("/rounds/<round_code>/committee/assignments/<int:assignment_id>/remove")
def unassign_committee_member(round_code, assignment_id: int):
    """Take one application away from one member (their declaration and scores on it go too)."""
    return _step(
        round_code,
        lambda: committee.unassign(current_user, round_code, assignment_id),
        _("The application was taken from the member."),
    )


@bp.post("/rounds/<round_code>/committee/finalise")
def finalise_committee_scores(round_code):
    """Make the committee's scores final: each application's committee score is written, the minutes kept."""
    return _step(
        round_code,
        lambda: committee.finalise_scores(current_user, round_code),
        _("The committee's scores are final. The minutes can be downloaded."),
    )


@bp.get("/rounds/<round_code>/committee/minutes.pdf")
def committee_minutes(round_code):
    """The committee's minutes as a PDF in the page's language (after finalisation)."""
    try:
        pdf, filename = minutes_service.minutes_pdf(round_code, current_language())
    except NotFound:
        raise
    except DomainError as error:
        flash(domain_message(error), "error")
        return _back(round_code)
    return report_pages.send_pdf(pdf, filename)
