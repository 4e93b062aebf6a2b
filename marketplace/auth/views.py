"""Sign in, sign out, and the account page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import errors
from ..domain.errors import DomainError
from ..domain.passwords import WeakPassword
from ..domain.states import UserRole
from ..forms import attach_error, filled, rerender
from ..rate_limits import per_client, retry_after
from ..security import safe_next
from ..services import accounts, sign_in
from . import sessions
from .forms import ChangeEmailForm, ChangePasswordForm, LoginForm, MailLanguageForm

bp = Blueprint("auth", __name__)

HOME_BY_ROLE = {
    UserRole.SUPPLIER: "supplier.dashboard",
    UserRole.BUYER: "buyer.dashboard",
    UserRole.MINISTRY: "ministry.dashboard",
    UserRole.EVALUATOR: "evaluator.dashboard",
}


def home_url(user) -> str:
    return url_for(HOME_BY_ROLE.get(user.role, "public.index"))


@bp.route("/login", methods=["GET", "POST"])
@per_client("RATELIMIT_SIGN_IN")
def login():
    """Sign in with e-mail and password; a new session is started on success (or the code is asked)."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return rerender("auth/login.html", 400 if form.is_submitted() else 200, form=form)
    try:
        user = sign_in.authenticate(
            filled(form.email.data), filled(form.password.data), sessions.attempt(), sessions.policy()
        )
    except sign_in.TryLater as error:
        attach_error(form, None, error)
        return sessions.too_many("auth/login.html", error.seconds, form=form)
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("auth/login.html", form=form)
    next_url = safe_next(request.args.get("next"))
    if sign_in.needs_second_factor(user):
        sessions.begin_second_factor(user, next_url)
        return redirect(url_for("auth.second_factor" if user.totp_secret else "auth.enrol_two_factor"))
    sessions.start_session(user)
    return sessions.remember_client(redirect(next_url or home_url(user)), user)


@bp.errorhandler(429)
def too_many_requests(error):
    """Over the per-client limit: the sign-in form says so; other pages get the error page."""
    if request.endpoint != "auth.login":
        return errors.too_many_requests(error)
    form = LoginForm()
    form.form_errors.append(_(errors.MESSAGES[429][1]))
    return sessions.too_many("auth/login.html", retry_after(), form=form)


@bp.post("/logout")
def logout():
    """Sign out: every session cookie of this account stops working."""
    accounts.end_all_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("public.index"))


def account_page(status: int = 400, **forms):
    """The account page with its three forms; `forms` are the ones re-shown with their errors."""
    forms.setdefault("form", ChangePasswordForm(formdata=None))
    forms.setdefault("email_form", ChangeEmailForm(formdata=None))
    forms.setdefault(
        "language_form",
        MailLanguageForm(
            formdata=None, language=current_user.language, notifications=not current_user.notifications_off
        ),
    )
    return rerender("auth/account.html", status, **forms)


@bp.get("/account")
def account():
    """The signed-in user's account page."""
    return account_page(200)


@bp.post("/account/password")
@per_client("RATELIMIT_FORMS")
def change_password():
    """Change the password; other sessions of this account end."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return account_page(form=form)
    try:
        accounts.change_password(
            current_user, filled(form.current.data), filled(form.new.data), sessions.attempt(), sessions.policy()
        )
    except sign_in.TryLater as error:
        attach_error(form, "current", error)
        return sessions.too_many("auth/account.html", error.seconds, form=form)
    except WeakPassword as error:
        attach_error(form, "new", error)
        return account_page(form=form)
    except DomainError as error:
        attach_error(form, "current", error)
        return account_page(form=form)
    login_user(current_user._get_current_object())  # keep this session, with the new version
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("auth.account"))
