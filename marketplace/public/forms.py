"""Public forms: an institution's request to join, and looking up and checking a certificate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import GetForm, required_email
from ..shared_forms import InstitutionForm


class JoinRequestForm(InstitutionForm):
    code = None  # type: ignore[assignment]  # WTForms drops an inherited field set to None; the stubs do not know
    contact_name = StringField(
        _l("Contact person"),
        validators=[DataRequired(_l("Enter the contact person's name.")), Length(max=100)],
    )
    contact_email = required_email(_l("Contact e-mail"))


class LookupForm(GetForm):
    serial = StringField(_l("Serial number"), validators=[Length(max=30)])
    code = StringField(_l("Verification code"), validators=[Length(max=40)])


class CodeForm(GetForm):
    """The verification code printed beside the serial: sent by GET, as the QR code's link does."""

    code = StringField(_l("Verification code"), validators=[Length(max=40)])


class UploadForm(FlaskForm):
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=30)])
    pdf = FileField(_l("Certificate PDF"))
