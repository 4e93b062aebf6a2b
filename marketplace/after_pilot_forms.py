"""Forms for corrective actions: the supplier's plan and the ministry's decision on it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from .domain.corrective_actions import MAX_TEXT
from .forms import Date, OneTimeForm, choices


class PlanForm(OneTimeForm):
    plan = TextAreaField(
        _l("Corrective plan"),
        validators=[DataRequired(_l("Describe what you will do to correct the problem.")), Length(max=MAX_TEXT)],
    )
    due_on = Date(_l("Due date"))


class CorrectiveDecisionForm(OneTimeForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices(
            [
                ("accept", _l("Accept the plan")),
                ("reject", _l("Reject the plan")),
                ("close", _l("Close the corrective action")),
            ]
        ),
        validators=[InputRequired(_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason (shown to the supplier; required to reject or close)"), validators=[Length(max=MAX_TEXT)]
    )
