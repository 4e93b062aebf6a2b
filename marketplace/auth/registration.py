"""Company self-registration: the company and its first user, who is signed in straight away."""

from __future__ import annotations

import time

from flask import flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..domain.brn import InvalidBusinessNumber
from ..domain.errors import DomainError
from ..domain.passwords import WeakPassword
from ..forms import attach_error, filled, rerender
from ..rate_limits import per_client
from ..services import companies
from ..services.accounts import EmailTaken
from ..services.clock import seoul_today
from ..shared_forms import company_input
from .forms import RegistrationForm
from .views import bp, home_url

FIELD_OF_ERROR = {
    InvalidBusinessNumber: "brn",
    companies.DuplicateCompany: "brn",
    EmailTaken: "email",
    WeakPassword: "password",
}


@bp.route("/register", methods=["GET", "POST"])
@per_client("RATELIMIT_FORMS")
def register():
    """Register a company and its first user; the company waits for the ministry's approval."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = RegistrationForm()
    if not form.validate_on_submit():
        return rerender("auth/register.html", 400 if form.is_submitted() else 200, form=form)
    try:
        user = companies.register_company(
            company_input(form),
            filled(form.brn.data),
            companies.FirstUserInput(
                name=filled(form.user_name.data), email=filled(form.email.data), password=filled(form.password.data)
            ),
            seoul_today(),
        )
    except DomainError as error:
        attach_error(form, FIELD_OF_ERROR.get(type(error)), error)
        return rerender("auth/register.html", form=form)
    language = session.get("lang")
    session.clear()  # a fresh session, as on login
    if language:
        session["lang"] = language
    login_user(user)
    session["login_at"] = time.time()
    session.permanent = True
    flash(
        _("Your company is registered. The ministry will review it; you can upload certificates meanwhile."), "success"
    )
    return redirect(url_for("supplier.dashboard"))
