"""Forms of objections: the applicant's objection, the ministry's decision and the remedy of an upheld one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .forms import OneTimeForm, WholeNumberField, choices
from .services.objections import MAX_LENGTH

_TOO_LONG = _l("Keep it to %(max)d characters.", max=MAX_LENGTH)


class ObjectionForm(OneTimeForm):
    reasons = TextAreaField(
        _l("Reasons for the objection"),
        validators=[
            DataRequired(_l("Write the reasons for your objection.")),
            Length(max=MAX_LENGTH, message=_TOO_LONG),
        ],
    )
    documents = MultipleFileField(_l("Supporting documents (optional; PDF, PNG or JPEG, up to 3, 10 MB in all)"))


class ObjectionDecisionForm(OneTimeForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("upheld", _l("Uphold the objection")), ("dismissed", _l("Dismiss the objection"))]),
        validators=[InputRequired(_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason (published with the decision, without the applicant)"),
        validators=[DataRequired(_l("Write the reason for the decision.")), Length(max=MAX_LENGTH, message=_TOO_LONG)],
    )


class RemedyForm(OneTimeForm):
    remedy = RadioField(
        _l("Remedy"),
        choices=choices(
            [
                ("rescored", _l("Rescoring: enter the corrected scores")),
                ("reinstated", _l("Reinstatement from the waitlist: an allocation by the draw's rule")),
                ("new_draw", _l("A new draw (not available)")),
            ]
        ),
        validators=[InputRequired(_l("Choose a remedy."))],
    )
    innovation = WholeNumberField(_l("Innovativeness and growth potential (0-40)"), validators=[Optional()])
    capability = WholeNumberField(_l("Production and quality capability (0-30)"), validators=[Optional()])
    need = WholeNumberField(_l("Need for support (0-30)"), validators=[Optional()])
    note = TextAreaField(
        _l("Note for the record"),
        validators=[DataRequired(_l("Write a note for the record.")), Length(max=MAX_LENGTH, message=_TOO_LONG)],
    )
