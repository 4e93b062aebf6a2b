"""Forms of the ministry's approval pages."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import OneTimeForm


class DecisionForm(OneTimeForm):
    """A decision on a company or certificate; the action comes from the button pressed."""

    action = StringField(validators=[DataRequired(_l("Choose a decision."))])
    reason = TextAreaField(_l("Reason (shown to the supplier)"), validators=[Length(max=2000)])
