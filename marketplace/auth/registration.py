"""Company self-registration: the company and its first user, who signs in once the address is confirmed."""

from __future__ import annotations

from flask import redirect, url_for
from flask_login import current_user

from ..domain.brn import InvalidBusinessNumber
from ..domain.errors import DomainError
from ..domain.passwords import WeakPassword
from ..forms import attach_error, filled, rerender
from ..i18n import current_language
from ..rate_limits import per_client
from ..services import companies
from ..services.clock import seoul_today
from ..shared_forms import company_input
from .forms import RegistrationForm
from .views import bp, home_url

FIELD_OF_ERROR = {
    InvalidBusinessNumber: "brn",
    companies.DuplicateCompany: "brn",
    WeakPassword: "password",
}


@bp.route("/register", methods=["GET", "POST"])
@per_client("RATELIMIT_FORMS")
def register():
    """Register a company and its first user, who is mailed a confirmation link; the company waits for the
    ministry's approval."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = RegistrationForm()
    if not form.validate_on_submit():
        return rerender("auth/register.html", 400 if form.is_submitted() else 200, form=form)
    try:
        companies.register_company(
            company_input(form),
            filled(form.brn.data),
            companies.FirstUserInput(
                name=filled(form.user_name.data),
                email=filled(form.email.data),
                password=filled(form.password.data),
                notifications=bool(form.notifications.data),
            ),
            seoul_today(),
            current_language(),
        )
    except DomainError as error:
        attach_error(form, FIELD_OF_ERROR.get(type(error)), error)
        return rerender("auth/register.html", form=form)
    # the same answer when the address already had an account (its owner is mailed a notice instead)
    return redirect(url_for("auth.check_mail"))
