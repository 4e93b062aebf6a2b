"""Forms of the ministry's approval pages."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import OneTimeForm
from ..shared_forms import CompanyForm


class DecisionForm(OneTimeForm):
    """A decision on a company or certificate; the action comes from the button pressed."""

    action = StringField(validators=[DataRequired(_l("Choose a decision."))])
    reason = TextAreaField(_l("Reason (shown to the supplier)"), validators=[Length(max=2000)])


class CompanyEditForm(CompanyForm):
    """Staff correct a company's details (approved ones included); the reason goes to the audit trail."""

    reason = TextAreaField(
        _l("Reason for the change (kept in the audit trail)"),
        validators=[DataRequired(_l("Give the reason for the change.")), Length(max=2000)],
    )
