"""Forms of the staff's committee page: name a member, add a member to one application."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from ..forms import EMAIL, OneTimeForm


class NameMemberForm(OneTimeForm):
    name = StringField(_l("Member's name"), validators=[DataRequired(_l("Enter the member's name.")), Length(max=100)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter the e-mail address.")),
            Regexp(EMAIL, message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


class AssignMemberForm(OneTimeForm):
    member_id = SelectField(
        _l("Add a member"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(_l("Choose the member to add."))],
    )
