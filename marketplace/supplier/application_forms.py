"""The supplier's application form."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import KRW, AmountField, OneTimeForm


class ApplicationForm(OneTimeForm):
    product_id = SelectField(
        _l("Product"), coerce=int, validate_choice=False, validators=[DataRequired(_l("Choose a product."))]
    )
    # Only in a round with tracks (the page sets its choices); the service checks the company qualifies.
    track = SelectField(_l("Track"), validate_choice=False, validators=[Optional()])
    amount = AmountField(
        _l("Requested pilot-purchase amount (won)"), validators=[DataRequired(_l("Enter the amount.")), KRW()]
    )
    preferred = SelectMultipleField(
        _l("Preferred institutions (optional)"), validate_choice=False, validators=[Optional()]
    )
    statement = TextAreaField(
        _l("Short statement"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Keep the statement to 2,000 characters or fewer.")),
        ],
    )


class EditApplicationForm(ApplicationForm):
    product_id = None  # type: ignore[assignment]  # WTForms drops an inherited field set to None; the stubs do not know
    track = None  # type: ignore[assignment]  # an application stays in the track it was submitted to


class WithdrawForm(OneTimeForm):
    """The confirmation of a withdrawal: it cannot be undone, so the supplier says why."""

    reason = TextAreaField(
        _l("Why do you withdraw the application?"),
        validators=[
            DataRequired(_l("Say why you withdraw the application.")),
            Length(max=2000, message=_l("Keep the reason to 2,000 characters or fewer.")),
        ],
    )
