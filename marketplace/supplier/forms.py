"""Forms of the supplier area: certificates and products (company details: shared_forms.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..domain.reference import CATEGORIES
from ..forms import KRW, REQUIRED, AmountField, OneTimeForm, choices, labelled, row_id
from ..i18n import localized


class CertificateForm(OneTimeForm):
    type_id = SelectField(
        _l("Certificate type"), coerce=int, validators=[DataRequired(_l("Choose a certificate type."))]
    )
    number = StringField(_l("Certificate number"), validators=[DataRequired(REQUIRED), Length(max=100)])
    issuer = StringField(_l("Issued by"), validators=[DataRequired(REQUIRED), Length(max=200)])
    issued_on = DateField(_l("Issue date"), validators=[DataRequired(_l("Enter the issue date."))])
    expires_on = DateField(_l("Expiry date"), validators=[DataRequired(_l("Enter the expiry date."))])
    scan = FileField(_l("Scanned certificate (PDF, PNG or JPEG, at most 10 MB)"))

    def __init__(self, types, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_id.choices = choices(
            [(0, _l("Choose a type")), *((t.id, f"{localized(t)} ({t.code})") for t in types)]
        )


class ProductForm(OneTimeForm):
    name_ko = StringField(_l("Product name (Korean)"), validators=[DataRequired(REQUIRED), Length(max=200)])
    name_en = StringField(_l("Product name (English)"), validators=[Length(max=200)])
    model = StringField(_l("Model"), validators=[Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    specification = TextAreaField(_l("Specification"), validators=[Length(max=5000)])
    category = SelectField(_l("Category"), validators=[DataRequired(REQUIRED)])
    unit_price_krw = AmountField(_l("Unit price (KRW)"), validators=[InputRequired(REQUIRED), KRW(minimum=1)])
    unit = StringField(_l("Unit"), validators=[DataRequired(REQUIRED), Length(max=20)], default="EA")
    certificate_ids = SelectMultipleField(
        _l("Certificates covering this product"), coerce=row_id, validate_choice=False
    )

    def __init__(self, certificates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choices([("", _l("Choose a category")), *labelled(CATEGORIES)])
        self.certificate_ids.choices = choices((c.id, f"{localized(c.type)} {c.number}") for c in certificates)
