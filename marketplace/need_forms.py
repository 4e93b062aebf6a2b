"""The demand-driven track's forms: posting a need, proposing a product, withdrawing, the shortlist."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from .domain.money import MAX_KRW
from .domain.needs import MAX_NOTE, MAX_QUANTITY, MAX_REASON, MAX_TEXT, MAX_TITLE
from .forms import KRW, AmountField, Date, OneTimeForm, WholeNumberField, row_id


class NeedForm(OneTimeForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the need a title.")), Length(max=MAX_TITLE)])
    problem = TextAreaField(
        _l("The problem to solve"), validators=[DataRequired(_l("Describe the problem.")), Length(max=MAX_TEXT)]
    )
    quantity = WholeNumberField(
        _l("Quantity"),
        validators=[
            InputRequired(_l("Enter the quantity.")),
            NumberRange(1, MAX_QUANTITY, _l("Enter a quantity from 1 to %(max)s.")),
        ],
    )
    budget = AmountField(_l("Budget (won)"), validators=[DataRequired(_l("Enter the budget.")), KRW(1, MAX_KRW)])
    category = SelectField(_l("Product category"), validators=[DataRequired(_l("Choose the product category."))])
    deadline_on = Date(_l("Proposal deadline (date, KST)"))
    deadline_time = TimeField(
        _l("Proposal deadline (time, KST)"), validators=[InputRequired(_l("Enter the deadline's time."))]
    )


class ProposalForm(OneTimeForm):
    product_id = SelectField(
        _l("Product"), coerce=row_id, validators=[InputRequired(_l("Choose the product to propose."))]
    )
    note = TextAreaField(
        _l("Short note to the institution"),
        validators=[DataRequired(_l("Write a short note.")), Length(max=MAX_NOTE)],
    )


class ReasonForm(OneTimeForm):
    """A withdrawal with its reason."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=MAX_REASON)])


class ButtonForm(OneTimeForm):
    """A button that changes something: its CSRF token and one-time key only."""
