"""The second sign-in step (authenticator code or recovery code) and enrolling an authenticator app."""

from __future__ import annotations

import segno
from flask import make_response, redirect, render_template, session
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..forms import attach_error, rerender
from ..rate_limits import per_client
from ..services import sign_in, two_factor
from . import sessions
from .forms import CodeForm, EnrolForm
from .views import bp, home_url

ENROL_SECRET = "totp_enrol_secret"  # noqa: S105 - a session key name, not a secret


def _restart(status: int = 200):
    """No half-done sign-in (or it expired): say so, with a link to sign in again."""
    session.pop(sessions.PENDING_KEY, None)
    return rerender("auth/second_factor.html", status, form=None, problem=_("Sign in again."))


@bp.route("/login/code", methods=["GET", "POST"])
@per_client("RATELIMIT_SIGN_IN")
def second_factor():
    """After the password: the code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    pending = sessions.pending()
    if pending is None:
        return _restart()
    form = CodeForm()
    if not form.validate_on_submit():
        return rerender("auth/second_factor.html", 400 if form.is_submitted() else 200, form=form)
    try:
        user = sign_in.verify_second_factor(
            pending.user_id, pending.version, form.code.data, sessions.attempt(), sessions.policy()
        )
    except sign_in.SignInExpired:
        return _restart(400)
    except sign_in.TryLater as error:
        attach_error(form, "code", error)
        return sessions.too_many("auth/second_factor.html", error.seconds, form=form)
    except DomainError as error:
        attach_error(form, "code", error)
        return rerender("auth/second_factor.html", form=form)
    sessions.start_session(user)
    return sessions.remember_client(redirect(pending.next_url or home_url(user)), user)


def _enrolling() -> tuple[int, int, sessions.Pending | None] | None:
    """(user id, session version, pending sign-in) of whoever may enrol now: signed in, or half-way."""
    if current_user.is_authenticated:
        return current_user.id, current_user.session_version, None
    pending = sessions.pending()
    return (pending.user_id, pending.version, pending) if pending else None


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@per_client("RATELIMIT_SIGN_IN")
def enrol_two_factor():
    """Scan the QR code with an authenticator app and confirm one code; recovery codes are shown once."""
    who = _enrolling()
    if who is None:
        return _restart()
    user_id, version, pending = who
    try:
        user = sign_in.pending_user(user_id, version)
    except sign_in.SignInExpired:
        return _restart(400)
    secret = session.setdefault(ENROL_SECRET, two_factor.new_secret())
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enrol(
                user_id, version, secret, form.code.data, completes=sessions.attempt() if pending else None
            )
        except sign_in.SignInExpired:
            return _restart(400)
        except DomainError as error:
            attach_error(form, "code", error)
        else:
            return _enrolled(user, codes, pending)
    return _setup_page(form, user, secret, required=pending is not None)


def _enrolled(user, codes: list[str], pending: sessions.Pending | None):
    """The recovery codes, shown once; enrolling half-way through signing in completes the sign-in."""
    session.pop(ENROL_SECRET, None)
    page = make_response(
        render_template(
            "auth/recovery_codes.html",
            codes=codes,
            next_url=(pending.next_url if pending else None) or home_url(user),
        )
    )
    if pending is None:
        return page
    sessions.start_session(user)
    return sessions.remember_client(page, user)


def _setup_page(form: EnrolForm, user, secret: str, *, required: bool):
    uri = two_factor.provisioning_uri(secret, user.email)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        user=user,
        required=required,
        qr=segno.make(uri, error="m").svg_data_uri(scale=4),
        uri=uri,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    ), 400 if form.errors else 200
