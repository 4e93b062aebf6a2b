"""Forms of the supplier area: company details, registration, certificates, products."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Regexp

from ..domain.reference import CATEGORIES, REGIONS, SIZE_CLASSES
from ..forms import KRW, REQUIRED, AmountField, OneTimeForm, WholeNumberField, choices, row_id
from ..i18n import label, localized

# A plain shape check (the e-mail_validator package is not a dependency); the address is not verified.
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _pairs(vocabulary: dict[str, str]):
    return [(code, label(vocabulary, code)) for code in vocabulary]


class CompanyForm(OneTimeForm):
    name_ko = StringField(_l("Company name (Korean)"), validators=[DataRequired(REQUIRED), Length(max=200)])
    name_en = StringField(_l("Company name (English)"), validators=[Length(max=200)])
    representative = StringField(_l("Representative"), validators=[DataRequired(REQUIRED), Length(max=100)])
    region = SelectField(_l("Region"), validators=[DataRequired(REQUIRED)])
    founded_on = DateField(_l("Founding date"), validators=[DataRequired(_l("Enter the founding date."))])
    size_class = SelectField(_l("Size"), validators=[DataRequired(REQUIRED)])
    public_supply_krw = AmountField(
        _l("Public supply so far (KRW)"), validators=[InputRequired(REQUIRED), KRW(minimum=0)], default="0"
    )
    public_supply_count = WholeNumberField(
        _l("Number of public contracts so far"),
        default=0,
        validators=[
            InputRequired(_l("Enter a whole number, 0 or more.")),
            NumberRange(min=0, max=1_000_000, message=_l("Enter a whole number, 0 or more.")),
        ],
    )
    public_supply_as_of = DateField(
        _l("Supply record as of"), validators=[DataRequired(_l("Enter the date the record refers to."))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = choices([("", _l("Choose a region")), *_pairs(REGIONS)])
        self.size_class.choices = choices([("", _l("Choose a size")), *_pairs(SIZE_CLASSES)])


class RegistrationForm(CompanyForm):
    brn = StringField(_l("Business registration number"), validators=[DataRequired(REQUIRED), Length(max=20)])
    user_name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=100)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Regexp(EMAIL, message=_l("Enter an e-mail address like name@example.com.")),
            Length(max=254),
        ],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter a password.")), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


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
        self.category.choices = choices([("", _l("Choose a category")), *_pairs(CATEGORIES)])
        self.certificate_ids.choices = choices((c.id, f"{localized(c.type)} {c.number}") for c in certificates)
