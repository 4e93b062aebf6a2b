"""Buyer forms: a pilot purchase, the order's next steps, the post-use evaluation, the certificate button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..domain.follow_ons import MAX_REFERENCE
from ..domain.money import MAX_KRW
from ..domain.numbers import read_whole_number
from ..domain.orders import MAX_QUANTITY, MAX_TEXT
from ..forms import KRW, AmountField, Date, OneTimeForm, choices


class WholeNumber:
    """A whole number from 1 to maximum, typed with or without thousands separators."""

    def __init__(self, maximum: int):
        self.maximum = maximum

    def __call__(self, form, field):
        value = read_whole_number((field.data or "").replace(",", "").strip())
        if value is None:
            raise ValidationError(_l("Enter a whole number, using digits only."))
        if value < 1:
            raise ValidationError(_l("Enter a quantity of 1 or more."))
        if value > self.maximum:
            raise ValidationError(_l("Enter a quantity of at most %(maximum)s.", maximum=f"{self.maximum:,}"))
        field.number = value


class QuantityField(StringField):
    """A quantity as typed ('1,200'): its WholeNumber validator leaves the number in `number`."""

    number: int


class PurchaseForm(OneTimeForm):
    mou_id = SelectField(
        _l("MOU (quota)"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(_l("Choose the MOU to charge."))],
    )
    quantity = QuantityField(
        _l("Quantity"), validators=[DataRequired(_l("Enter the quantity.")), WholeNumber(MAX_QUANTITY)]
    )
    unit_price = AmountField(
        _l("Unit price (won)"), validators=[DataRequired(_l("Enter the unit price.")), KRW(1, MAX_KRW)]
    )
    amount = AmountField(_l("Amount (won)"), validators=[Optional(), KRW(1, MAX_KRW)])
    contract_method = SelectField(_l("Contract method"), validators=[DataRequired(_l("Choose a contract method."))])
    ordered_on = Date(_l("Contract date"))
    late_reason = TextAreaField(_l("Reason for late registration"), validators=[Optional(), Length(max=MAX_TEXT)])
    no_private_interest = BooleanField(
        _l("I declare that I have no private interest in this purchase or in the supplier."),
        validators=[DataRequired(_l("Confirm that you have no private interest in this purchase."))],
    )


class DeliverForm(OneTimeForm):
    delivered_on = Date(_l("Delivery date"))


class InspectForm(OneTimeForm):
    result = RadioField(
        _l("Inspection result"),
        choices=choices([("accepted", _l("Accepted")), ("rejected", _l("Rejected"))]),
        validators=[InputRequired(_l("Choose whether the goods were accepted or rejected."))],
    )
    note = TextAreaField(_l("Inspection note"), validators=[Length(max=MAX_TEXT)])
    inspected_on = Date(_l("Inspection date"))


class CancelForm(OneTimeForm):
    reason = TextAreaField(
        _l("Reason for cancelling"),
        validators=[DataRequired(_l("Give the reason for the cancellation.")), Length(max=MAX_TEXT)],
    )


SCORE_CHOICES = choices((str(n), str(n)) for n in range(5, 0, -1))


def _score(label):
    return RadioField(label, choices=SCORE_CHOICES, validators=[InputRequired(_l("Give every score from 1 to 5."))])


class EvaluationForm(OneTimeForm):
    conformance = _score(_l("Conformance to specification"))
    quality = _score(_l("Quality"))
    delivery = _score(_l("Delivery"))
    support = _score(_l("Support"))
    overall = _score(_l("Overall"))
    would_buy_again = RadioField(
        _l("Would you buy it again?"),
        choices=choices([("yes", _l("Yes")), ("no", _l("No"))]),
        validators=[InputRequired(_l("Say whether you would buy it again."))],
    )
    comment = TextAreaField(_l("Comment"), validators=[Length(max=MAX_TEXT)])


class IssueCertificateForm(OneTimeForm):
    """The buyer's button that issues an order's audit-relief certificate (or its next version)."""


class FollowOnForm(OneTimeForm):
    """A follow-on purchase of a pilot product, outside the quota."""

    contracted_on = Date(_l("Contract date"))
    quantity = QuantityField(
        _l("Quantity"), validators=[DataRequired(_l("Enter the quantity.")), WholeNumber(MAX_QUANTITY)]
    )
    amount = AmountField(_l("Amount (won)"), validators=[DataRequired(_l("Enter the amount.")), KRW(1, MAX_KRW)])
    contract_method = SelectField(_l("Contract method"), validators=[DataRequired(_l("Choose a contract method."))])
    reference = StringField(
        _l("Contract reference number"),
        validators=[DataRequired(_l("Enter the contract's reference number.")), Length(max=MAX_REFERENCE)],
    )


class CancelFollowOnForm(OneTimeForm):
    reason = TextAreaField(
        _l("Reason for cancelling"),
        validators=[DataRequired(_l("Give the reason for the cancellation.")), Length(max=MAX_TEXT)],
    )
