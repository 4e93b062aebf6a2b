"""Report request forms (GET, no state change: no CSRF), the verification forms and the certificate button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..forms import OneTimeForm, choices

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


class PurchaseReportForm(_GetForm):
    institution = SelectField(_l("Institution"), choices=[], default="")
    round = SelectField(_l("Round"), choices=[], default="")
    start = OptionalDate(_l("From"))
    end = OptionalDate(_l("To"))
    language = SelectField(_l("Language"), choices=LANGUAGES)

    def validate_round(self, field):
        if not field.data and not (self.start.data and self.end.data):
            raise ValidationError(_l("Choose a round, or a start and an end date."))


class RegisterForm(_GetForm):
    institution = SelectField(_l("Institution"), choices=[], default="")
    start = OptionalDate(_l("Certificates issued from"))
    end = OptionalDate(_l("To"))
    language = SelectField(_l("Language"), choices=LANGUAGES)

    def validate_end(self, field):
        if not (self.start.data and field.data):
            raise ValidationError(_l("Enter a start and an end date."))


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
