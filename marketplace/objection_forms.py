"""Forms of objections: the applicant's objection, the ministry's decision and the remedy of an upheld one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import DateField, RadioField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .forms import OneTimeForm, WholeNumberField, choices
from .services.objections import MAX_LENGTH

_TOO_LONG = _l("Keep it to %(max)d characters.", max=MAX_LENGTH)
_EVENT_TEXT = Length(max=500, message=_l("A seed event description may be at most 500 characters."))


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
                ("redrawn", _l("A new draw of the track: a new manifest and a new public seed event")),
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
    # a new draw only: the public event whose outcome will be its seed, announced now and happening later
    seed_event_ko = TextAreaField(_l("New seed event (Korean)"), validators=[Optional(), _EVENT_TEXT])
    seed_event_en = TextAreaField(_l("New seed event (English)"), validators=[Optional(), _EVENT_TEXT])
    seed_event_on = DateField(_l("New seed event date (KST)"), validators=[Optional()])
    seed_event_time = TimeField(_l("New seed event time (KST)"), validators=[Optional()])


class RedrawForm(OneTimeForm):
    seed = StringField(_l("Seed: the new seed event's outcome"), validators=[Optional(), Length(max=200)])
