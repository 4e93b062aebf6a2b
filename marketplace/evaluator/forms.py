"""Forms of a committee member: the no-conflict declaration, the recusal and the scores with comments."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..domain.committee import MAX_TEXT
from ..domain.rounds import SCORE_MAXIMA
from ..forms import OneTimeForm, WholeNumberField

_COMMENT = [Length(max=MAX_TEXT, message=_l("Write at most %(max)d characters."))]


def _score(label, maximum: int) -> WholeNumberField:
    return WholeNumberField(
        label,
        validators=[
            InputRequired(_l("Enter a score.")),
            NumberRange(0, maximum, _l("Enter a whole number from 0 to %(max)s.")),
        ],
    )


class DeclareForm(OneTimeForm):
    no_conflict = BooleanField(
        _l(
            "I declare that I have no conflict of interest with this applicant or its product: no family, "
            "employment, investment, advice or other interest."
        ),
        validators=[DataRequired(_l("Tick the statement to declare it."))],
    )


class RecuseForm(OneTimeForm):
    reason = TextAreaField(
        _l("Reason for recusing yourself (kept in the minutes)"),
        validators=[DataRequired(_l("Give the reason for recusing yourself.")), *_COMMENT],
    )


class CommitteeScoreForm(OneTimeForm):
    innovation = _score(_l("Innovativeness and growth potential (0-40)"), SCORE_MAXIMA["innovation"])
    comment_innovation = TextAreaField(_l("Comment on innovativeness and growth potential"), validators=_COMMENT)
    capability = _score(_l("Production and quality capability (0-30)"), SCORE_MAXIMA["capability"])
    comment_capability = TextAreaField(_l("Comment on production and quality capability"), validators=_COMMENT)
    need = _score(_l("Need for support (0-30)"), SCORE_MAXIMA["need"])
    comment_need = TextAreaField(_l("Comment on need for support"), validators=_COMMENT)
