"""Accounts by mail: forgotten password, reset and confirmation links, the address and mail language."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..domain.passwords import WeakPassword
from ..extensions import limiter
from ..forms import attach_error, filled, rerender
from ..i18n import domain_message
from ..rate_limits import per_client
from ..services import account_mail
from ..services.accounts import normalise_email
from ..services.tokens import InvalidToken
from .forms import ChangeEmailForm, ConfirmForm, ForgotPasswordForm, MailLanguageForm, ResetPasswordForm
from .views import account_page, bp


def _asked_address() -> str:
    return normalise_email(request.form.get("email", ""))[:254] or "-"


@bp.route("/forgot-password", methods=["GET", "POST"])
@per_client("RATELIMIT_PASSWORD_RESET")
@limiter.limit(
    lambda: current_app.config["RATELIMIT_PASSWORD_RESET_ADDRESS"], key_func=_asked_address, methods=["POST"]
)
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return rerender("auth/forgot_password.html", 400 if form.is_submitted() else 200, form=form)
    account_mail.request_password_reset(filled(form.email.data))
    return redirect(url_for("auth.check_mail"))


@bp.get("/check-mail")
def check_mail():
    """The one answer of the forms that mail a link: nothing here says whether an address is registered."""
    return render_template("auth/check_mail.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a reset link (single use, expires)."""
    try:
        account_mail.user_for_reset(token)
    except InvalidToken as error:
        return rerender("auth/reset_password.html", 400, form=None, problem=domain_message(error))
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return rerender("auth/reset_password.html", 400 if form.is_submitted() else 200, form=form)
    try:
        account_mail.reset_password(token, filled(form.new.data))
    except WeakPassword as error:
        attach_error(form, "new", error)
        return rerender("auth/reset_password.html", form=form)
    except InvalidToken as error:
        return rerender("auth/reset_password.html", 400, form=None, problem=domain_message(error))
    flash(_("Your password is set. Sign in with your e-mail address and the new password."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button, POST confirms the address the link was sent to."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return rerender("auth/confirm_email.html", 400 if form.is_submitted() else 200, form=form)
    try:
        account_mail.confirm_email(token)
    except DomainError as error:
        return rerender("auth/confirm_email.html", 400, form=None, problem=domain_message(error))
    flash(_("Your e-mail address is confirmed."), "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.post("/account/email")
@per_client("RATELIMIT_FORMS")
def change_email():
    """Ask to change the address: a link goes to the new one, which replaces the old once it is opened."""
    form = ChangeEmailForm()
    if not form.validate_on_submit():
        return account_page(email_form=form)
    try:
        account_mail.request_email_change(current_user, filled(form.email.data), filled(form.password.data))
    except DomainError as error:
        attach_error(form, "password" if isinstance(error, account_mail.WrongPassword) else "email", error)
        return account_page(email_form=form)
    return redirect(url_for("auth.check_mail"))


@bp.post("/account/mail-language")
def mail_language():
    """The language the account's mails are written in, and whether notification mails come."""
    form = MailLanguageForm()
    if not form.validate_on_submit():
        return account_page(language_form=form)
    account_mail.set_mail_settings(current_user.id, filled(form.language.data), bool(form.notifications.data))
    flash(_("Your mail settings are saved."), "success")
    return redirect(url_for("auth.account"))
