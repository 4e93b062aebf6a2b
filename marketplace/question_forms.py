"""The forms of round questions: a supplier's question and the ministry's answer."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from .forms import OneTimeForm
from .services.questions import MAX_LENGTH


class QuestionForm(OneTimeForm):
    question = TextAreaField(
        _l("Your question"),
        validators=[
            DataRequired(_l("Write your question.")),
            Length(max=MAX_LENGTH, message=_l("Keep it to %(max)d characters.", max=MAX_LENGTH)),
        ],
    )


class AnswerForm(OneTimeForm):
    answer = TextAreaField(
        _l("Answer (published to all at once)"),
        validators=[
            DataRequired(_l("Write the answer.")),
            Length(max=MAX_LENGTH, message=_l("Keep it to %(max)d characters.", max=MAX_LENGTH)),
        ],
    )
