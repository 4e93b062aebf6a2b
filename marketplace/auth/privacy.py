"""What the service holds about me (a page and a JSON download), and closing my account."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..domain.errors import DomainError
from ..domain.privacy import KEPT_ON_CLOSE, SECTION_LABELS
from ..forms import attach_error, filled, rerender
from ..rate_limits import per_client
from ..services import privacy, sign_in
from . import sessions
from .forms import CloseAccountForm
from .views import bp


@bp.get("/account/data")
def my_data():
    """Everything the service holds about the signed-in person, section by section."""
    return render_template(
        "auth/my_data.html",
        data=privacy.personal_data(current_user.id),
        section_labels=SECTION_LABELS,
        withheld=privacy.WITHHELD_TEXT,
    )


@bp.get("/account/data.json")
def my_data_json():
    """The same as a JSON file to keep."""
    body = json.dumps(privacy.personal_data(current_user.id), ensure_ascii=False, indent=2, sort_keys=True)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/close", methods=["GET", "POST"])
@per_client("RATELIMIT_FORMS")
def close_account():
    """Close the account after the password (and code): sessions end, personal details are removed."""
    form = CloseAccountForm()
    if not form.validate_on_submit():
        return _close_page(form, 400 if form.is_submitted() else 200)
    try:
        privacy.close_account(
            current_user.id, filled(form.password.data), form.code.data or "", sessions.attempt(), sessions.policy()
        )
    except sign_in.TryLater as error:
        attach_error(form, "password", error)
        return sessions.too_many("auth/close_account.html", error.seconds, form=form, kept=KEPT_ON_CLOSE)
    except DomainError as error:
        attach_error(form, None, error)
        return _close_page(form)
    logout_user()
    session.clear()
    flash(_("Your account is closed. Your personal details have been removed."), "success")
    return redirect(url_for("public.index"))


def _close_page(form, status: int = 400):
    return rerender("auth/close_account.html", status, form=form, kept=KEPT_ON_CLOSE)
