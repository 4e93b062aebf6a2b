"""Report request forms (GET, no state change: no CSRF), the verification forms and the certificate button."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..domain.clock import fiscal_year
from ..forms import OneTimeForm, choices
from ..i18n import current_language
from ..services.clock import seoul_today

LANGUAGES = choices([("ko", "한국어"), ("en", "English")])
DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD.")


class OptionalDate(DateField):
    def __init__(self, label, **kwargs):
        super().__init__(label, format="%Y-%m-%d", validators=[Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(DATE_MESSAGE)) from error


class _GetForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that only reads: nothing to forge


def fiscal_year_start() -> date:
    return fiscal_year(seoul_today())[0]


def fiscal_year_end() -> date:
    return fiscal_year(seoul_today())[1]


class PurchaseReportForm(_GetForm):
    """Shown beside RegisterForm: built with prefix="purchase", so their fields' ids and names differ."""

    institution = SelectField(_l("Institution"), choices=[], default="")
    round = SelectField(_l("Round"), choices=[], default="")
    start = OptionalDate(_l("From"), default=fiscal_year_start)
    end = OptionalDate(_l("To"), default=fiscal_year_end)
    language = SelectField(_l("Language"), choices=LANGUAGES, default=current_language)

    def validate_round(self, field):
        if not field.data and not (self.start.data and self.end.data):
            raise ValidationError(_l("Choose a round, or a start and an end date."))


class RegisterForm(_GetForm):
    """Built with prefix="register"."""

    institution = SelectField(_l("Institution"), choices=[], default="")
    start = OptionalDate(_l("Certificates issued from"), default=fiscal_year_start)
    end = OptionalDate(_l("Certificates issued until"), default=fiscal_year_end)
    language = SelectField(_l("Language"), choices=LANGUAGES, default=current_language)

    def validate(self, extra_validators=None) -> bool:
        """Both dates are needed. Checked here: an empty date's Optional() stops its own validators."""
        valid = super().validate(extra_validators)
        missing = [f for f in (self.start, self.end) if f.data is None and not f.errors]
        for f in missing:
            f.errors = [*f.errors, str(_l("Enter a start and an end date."))]
        return valid and not missing


class LookupForm(_GetForm):
    serial = StringField(_l("Serial number"), validators=[Length(max=30)])
    code = StringField(_l("Verification code"), validators=[Length(max=40)])


class CodeForm(_GetForm):
    """The verification code printed beside the serial: sent by GET, as the QR code's link does."""

    code = StringField(_l("Verification code"), validators=[Length(max=40)])


class IssueCertificateForm(OneTimeForm):
    """The buyer's button that issues an order's audit-relief certificate (or its next version)."""


class UploadForm(FlaskForm):
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=30)])
    pdf = FileField(_l("Certificate PDF"))
