"""Sign in, sign out, and the account page."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..domain.errors import DomainError
from ..domain.passwords import WeakPassword
from ..forms import attach_error, rerender
from ..services import accounts
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)

HOME_BY_ROLE = {"supplier": "supplier.dashboard", "buyer": "buyer.dashboard", "ministry": "ministry.dashboard"}


def home_url(user) -> str:
    return url_for(HOME_BY_ROLE.get(user.role, "public.index"))


def _safe_next(target: str | None) -> str | None:
    """Only follow a path on this site: no scheme, host, backslash or control character (CR/LF)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None  # a header cannot carry them: Werkzeug would raise on the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password; a new session is started on success."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return rerender("auth/login.html", 400 if form.is_submitted() else 200, form=form)
    config = current_app.config
    try:
        user = accounts.authenticate(form.email.data, form.password.data,
                                     max_failures=config["LOGIN_MAX_FAILURES"],
                                     lock_minutes=config["LOGIN_LOCK_MINUTES"])
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("auth/login.html", form=form)
    language = session.get("lang")
    session.clear()  # a fresh session on login: no fixation
    if language:
        session["lang"] = language
    login_user(user)
    session["login_at"] = time.time()
    session.permanent = True
    return redirect(_safe_next(request.args.get("next")) or home_url(user))


@bp.post("/logout")
def logout():
    """Sign out: every session cookie of this account stops working."""
    accounts.end_all_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("public.index"))


@bp.get("/account")
def account():
    """The signed-in user's account page."""
    return render_template("auth/account.html", form=ChangePasswordForm())


@bp.post("/account/password")
def change_password():
    """Change the password; other sessions of this account end."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return rerender("auth/account.html", form=form)
    try:
        accounts.change_password(current_user, form.current.data, form.new.data)
    except WeakPassword as error:
        attach_error(form, "new", error)
        return rerender("auth/account.html", form=form)
    except DomainError as error:
        attach_error(form, "current", error)
        return rerender("auth/account.html", form=form)
    login_user(current_user._get_current_object())  # keep this session, with the new version
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("auth.account"))


from . import registration  # noqa: E402,F401  (registers auth.register on bp)
