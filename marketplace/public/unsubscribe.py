"""One-click unsubscribe from notification mails (RFC 8058): the signed link works without signing in."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from ..extensions import csrf, db
from ..forms import OneTimeForm, rerender
from ..models import User
from ..services import account_mail
from ..services.links import user_id_of_unsubscribe
from .views import bp


class UnsubscribeForm(OneTimeForm):
    """The confirm button of the GET page; mail clients POST `List-Unsubscribe=One-Click` instead."""

    class Meta:
        csrf = False  # the signed token in the address is the credential, and mail clients send no CSRF token


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET asks to confirm; POST (the button, or a mail client's one-click) turns notification mails off."""
    user_id = user_id_of_unsubscribe(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        return rerender("public/unsubscribe.html", 400, problem=_("This link is not valid."), form=None)
    form = UnsubscribeForm()
    if not form.is_submitted():
        return render_template("public/unsubscribe.html", user=user, form=form)
    user = account_mail.unsubscribe(user.id)
    return render_template("public/unsubscribe.html", user=user, done=True, form=None)
