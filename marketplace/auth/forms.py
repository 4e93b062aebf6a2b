"""Sign-in, password and company registration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Regexp

from ..forms import EMAIL, REQUIRED, OneTimeForm, choices
from ..services.api_tokens import EXPIRY_DAYS
from ..shared_forms import CompanyForm


def email_address() -> EmailField:
    """The e-mail field of the forms that take a new address (registration, forgotten password)."""
    return EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Regexp(EMAIL, message=_l("Enter an e-mail address like name@example.com.")),
            Length(max=254),
        ],
    )


def new_password(*validators) -> PasswordField:
    return PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password.")), *validators])


def repeated_new_password() -> PasswordField:
    return PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("new", _l("The two new passwords are not the same.")),
        ],
    )


class ConsentFields:
    """The consents asked when an account is made (registration, invitation): terms of use and the
    collection and use of personal information are required, notification mail is optional."""

    agree_terms = BooleanField(
        _l("I agree to the terms of use (required)"),
        validators=[DataRequired(_l("Agree to the terms of use to continue."))],
    )
    agree_privacy = BooleanField(
        _l("I agree to the collection and use of my personal information as described above (required)"),
        validators=[
            DataRequired(
                _l(
                    "Agree to the collection and use of your personal information to continue: "
                    "without it we cannot keep an account for you."
                )
            )
        ],
    )
    notifications = BooleanField(_l("Mail me notifications about rounds, orders and certificates (optional)"))


class LoginForm(FlaskForm):
    # No one-time key: a repeated sign-in changes nothing worth guarding, and the first answer
    # cannot be replayed (its session cookie went to the first request).
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=128)])


class ChangePasswordForm(OneTimeForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    new = new_password()
    confirm = repeated_new_password()


class SetPasswordForm(ConsentFields, OneTimeForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=100)])
    new = new_password()
    confirm = repeated_new_password()


class CodeForm(FlaskForm):
    """The second step of sign-in; like LoginForm it carries no one-time key (a repeat signs in once more)."""

    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), Length(max=20)])


class EnrolForm(OneTimeForm):
    """Confirms an authenticator during enrolment: a repeat answers with the first outcome."""

    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), Length(max=20)])


class RegistrationForm(ConsentFields, CompanyForm):
    brn = StringField(_l("Business registration number"), validators=[DataRequired(REQUIRED), Length(max=20)])
    user_name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=100)])
    email = email_address()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter a password.")), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ForgotPasswordForm(OneTimeForm):
    email = email_address()


class ResetPasswordForm(OneTimeForm):
    new = new_password(Length(max=128))
    confirm = repeated_new_password()


class ConfirmForm(OneTimeForm):
    """A button: links in mails are opened by scanners too, so only a POST changes anything."""


class ChangeEmailForm(OneTimeForm):
    email = EmailField(
        _l("New e-mail address"),
        validators=[
            DataRequired(_l("Enter the new e-mail address.")),
            Regexp(EMAIL, message=_l("Enter an e-mail address like name@example.com.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password.")), Length(max=128)]
    )


class MailLanguageForm(OneTimeForm):
    language = SelectField(
        _l("Language of e-mails"),
        choices=choices([("ko", "한국어"), ("en", "English")]),
        validators=[DataRequired(_l("Choose a language from the list."))],
    )
    notifications = BooleanField(_l("Mail me notifications (mails about my account always come)"))


class ApiTokenForm(OneTimeForm):
    """A new API token: its name, what it may do and how long it lives."""

    name = StringField(_l("Token name"), validators=[DataRequired(_l("Name the token.")), Length(max=80)])
    scope = RadioField(
        _l("What it may do"),
        choices=choices([("read", _l("Read only")), ("write", _l("Read and place orders"))]),
        default="read",
        validators=[InputRequired(_l("Choose what the token may do."))],
    )
    days = SelectField(
        _l("Expires after"),
        choices=choices([(str(days), _l("%(days)s days", days=days)) for days in EXPIRY_DAYS]),
        default="90",
        validators=[InputRequired(_l("Choose when the token expires."))],
    )


class CloseAccountForm(OneTimeForm):
    password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password.")), Length(max=128)]
    )
    code = StringField(_l("Code from your authenticator app"), validators=[Length(max=20)])
    confirm = BooleanField(
        _l("I understand that closing cannot be undone"),
        validators=[DataRequired(_l("Tick the box to confirm that you want to close the account."))],
    )
