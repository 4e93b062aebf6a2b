"""Forms two audiences show: company details (registration and the supplier's company page), institution
details (the ministry's and the public join request) and report requests (buyer and ministry).

A form only one blueprint shows lives in that blueprint's forms.py; these are shared, not owned by either.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from .domain.clock import fiscal_year
from .domain.reference import INSTITUTION_KIND_LABELS, REGIONS, SIZE_CLASSES
from .forms import KRW, REQUIRED, AmountField, Date, GetForm, OneTimeForm, WholeNumberField, choices, filled, labelled
from .i18n import current_language
from .services import companies
from .services.clock import seoul_today


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
        self.region.choices = choices([("", _l("Choose a region")), *labelled(REGIONS)])
        self.size_class.choices = choices([("", _l("Choose a size")), *labelled(SIZE_CLASSES)])


def company_input(form: CompanyForm) -> companies.CompanyInput:
    return companies.CompanyInput(
        name_ko=filled(form.name_ko.data),
        name_en=form.name_en.data or "",
        representative=filled(form.representative.data),
        region=form.region.data,
        founded_on=filled(form.founded_on.data),
        size_class=form.size_class.data,
        public_supply_krw=form.public_supply_krw.krw,
        public_supply_count=filled(form.public_supply_count.data),
        public_supply_as_of=filled(form.public_supply_as_of.data),
    )


def _choices(vocabulary):
    return choices([("", _l("Choose..."))] + [(code, _l(text)) for code, text in vocabulary.items()])


class InstitutionForm(OneTimeForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), Length(max=20)])
    name_ko = StringField(_l("Name (Korean)"), validators=[DataRequired(_l("Enter the Korean name.")), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    kind = SelectField(
        _l("Type"),
        choices=_choices(INSTITUTION_KIND_LABELS),
        validators=[DataRequired(_l("Choose the type."))],
    )
    region = SelectField(_l("Region"), choices=_choices(REGIONS), validators=[DataRequired(_l("Choose the region."))])


LANGUAGES = choices([("ko", "한국어"), ("en", "English")])


def fiscal_year_start() -> date:
    return fiscal_year(seoul_today())[0]


def fiscal_year_end() -> date:
    return fiscal_year(seoul_today())[1]


class PurchaseReportForm(GetForm):
    """Shown beside RegisterForm: built with prefix="purchase", so their fields' ids and names differ."""

    institution = SelectField(_l("Institution"), choices=[], default="")
    round = SelectField(_l("Round"), choices=[], default="")
    start = Date(_l("From"), required=False, default=fiscal_year_start)
    end = Date(_l("To"), required=False, default=fiscal_year_end)
    language = SelectField(_l("Language"), choices=LANGUAGES, default=current_language)

    def validate_round(self, field):
        if not field.data and not (self.start.data and self.end.data):
            raise ValidationError(_l("Choose a round, or a start and an end date."))


class RegisterForm(GetForm):
    """Built with prefix="register"."""

    institution = SelectField(_l("Institution"), choices=[], default="")
    start = Date(_l("Certificates issued from"), required=False, default=fiscal_year_start)
    end = Date(_l("Certificates issued until"), required=False, default=fiscal_year_end)
    language = SelectField(_l("Language"), choices=LANGUAGES, default=current_language)

    def validate(self, extra_validators=None) -> bool:
        """Both dates are needed. Checked here: an empty date's Optional() stops its own validators."""
        valid = super().validate(extra_validators)
        missing = [f for f in (self.start, self.end) if f.data is None and not f.errors]
        for f in missing:
            f.errors = [*f.errors, str(_l("Enter a start and an end date."))]
        return valid and not missing
