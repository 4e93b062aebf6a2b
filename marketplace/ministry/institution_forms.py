"""Ministry forms for MOUs, amendments, buyer invitations and join decisions (institution details: shared_forms.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..domain.errors import DomainError
from ..domain.money import MAX_KRW, parse_krw
from ..forms import KRW, AmountField, Date, OneTimeForm, required_email
from ..i18n import domain_message


class MouForm(OneTimeForm):
    number = StringField(_l("MOU number"), validators=[DataRequired(_l("Enter the MOU number.")), Length(max=50)])
    signed_on = Date(_l("Signing date"))
    starts_on = Date(_l("Period start"))
    ends_on = Date(_l("Period end"))
    committed = AmountField(
        _l("Committed amount (won)"),
        validators=[DataRequired(_l("Enter the committed amount.")), KRW(0, MAX_KRW)],
    )


class SignedKRW:
    """An increase (+) or decrease (-) in whole won, not zero."""

    def __call__(self, form, field):
        text = (field.data or "").strip().replace(" ", "")
        sign = -1 if text.startswith("-") else 1
        try:  # one sign at most: parse_krw refuses any sign left after it ('+-5', '--5')
            value = parse_krw(text[1:] if text[:1] in "+-" else text, minimum=1, maximum=MAX_KRW)
        except DomainError as error:
            raise ValidationError(domain_message(error)) from error
        field.krw = sign * value


class AmendmentForm(OneTimeForm):
    delta = AmountField(_l("Change (won)"), validators=[DataRequired(_l("Enter the change.")), SignedKRW()])
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason for the amendment.")), Length(max=2000)]
    )


class InviteBuyerForm(OneTimeForm):
    name = StringField(_l("Buyer's name"), validators=[DataRequired(_l("Enter the buyer's name.")), Length(max=100)])
    email = required_email()


class ApproveJoinForm(OneTimeForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), Length(max=20)])


class DeclineJoinForm(OneTimeForm):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason for declining.")), Length(max=2000)]
    )
