"""Forms of the staff's committee page: name a member, add a member to one application."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import OneTimeForm, required_email


class NameMemberForm(OneTimeForm):
    name = StringField(_l("Member's name"), validators=[DataRequired(_l("Enter the member's name.")), Length(max=100)])
    email = required_email()


class AssignMemberForm(OneTimeForm):
    member_id = SelectField(
        _l("Add a member"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(_l("Choose the member to add."))],
    )
