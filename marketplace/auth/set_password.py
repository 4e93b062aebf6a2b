"""An invited buyer sets a password through a one-time link; routes on the auth blueprint."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from ..domain.errors import DomainError
from ..domain.passwords import WeakPassword
from ..forms import attach_error, filled, rerender
from ..i18n import domain_message
from ..services import institutions
from ..services.institutions import InvalidToken
from .forms import SetPasswordForm
from .views import bp


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Choose a name and password; the link works once and expires after 72 hours."""
    try:
        user = institutions.user_for_token(token)
    except InvalidToken as error:
        return rerender("auth/set_password.html", 400, form=None, problem=domain_message(error))
    form = SetPasswordForm()
    if not form.is_submitted():
        form.name.data = user.name
    if not form.validate_on_submit():
        return rerender("auth/set_password.html", 400 if form.is_submitted() else 200, form=form, user=user)
    try:
        institutions.set_password_with_token(
            token, filled(form.name.data), filled(form.new.data), notifications=bool(form.notifications.data)
        )
    except WeakPassword as error:
        attach_error(form, "new", error)
        return rerender("auth/set_password.html", form=form, user=user)
    except DomainError as error:
        return rerender("auth/set_password.html", 400, form=None, problem=domain_message(error))
    flash(_("Your password is set. Sign in with your e-mail address and the new password."), "success")
    return redirect(url_for("auth.login"))
