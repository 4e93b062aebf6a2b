"""Forms for ministry staff running a round: rules, scores, the seed."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.reference import CATEGORIES
from ..forms import KRW, AmountField, OneTimeForm, WholeNumberField
from ..i18n import localized

_WEIGHT = [
    InputRequired(_l("Enter a weight.")),
    NumberRange(1, 10, _l("A weight is a whole number from 1 to 10.")),
]
_EVENT_TEXT = Length(max=500, message=_l("A seed event description may be at most 500 characters."))


class SeedEventFields(OneTimeForm):
    """The public event whose outcome will be the seed: described in Korean and English, at a KST minute."""

    seed_event_ko = TextAreaField(_l("Seed event (Korean)"), validators=[Optional(), _EVENT_TEXT])
    seed_event_en = TextAreaField(_l("Seed event (English)"), validators=[Optional(), _EVENT_TEXT])
    seed_event_on = DateField(_l("Seed event date (KST)"), validators=[Optional()])
    seed_event_time = TimeField(_l("Seed event time (KST)"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        day, moment = self.seed_event_on, self.seed_event_time
        if (day.data is None) != (moment.data is None) and not (day.errors or moment.errors):
            moment.errors = [str(_l("Enter both the date and the time of the seed event."))]
            return False
        return valid


class RoundForm(SeedEventFields):
    code = StringField(_l("Round code"), validators=[DataRequired(_l("Enter a code such as 2018-H2.")), Length(max=20)])
    title_ko = StringField(
        _l("Title (Korean)"), validators=[DataRequired(_l("Enter the Korean title.")), Length(max=200)]
    )
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    opens_on = DateField(_l("Opens on (KST)"), validators=[DataRequired(_l("Enter the opening date."))])
    opens_time = TimeField(_l("Opening time (KST)"), validators=[DataRequired(_l("Enter the opening time."))])
    closes_on = DateField(_l("Closes on (KST)"), validators=[DataRequired(_l("Enter the closing date."))])
    closes_time = TimeField(_l("Closing time (KST)"), validators=[DataRequired(_l("Enter the closing time."))])
    cap = AmountField(_l("Cap per application (won)"), validators=[DataRequired(_l("Enter the cap.")), KRW()])
    pass_mark = WholeNumberField(
        _l("Evaluation pass mark (out of 100)"),
        default=70,
        validators=[
            InputRequired(_l("Enter the pass mark.")),
            NumberRange(0, 100, _l("The pass mark is a score from 0 to 100.")),
        ],
    )
    weight_first_timer = WholeNumberField(_l("Weight: first-timer"), default=3, validators=_WEIGHT)
    weight_startup = WholeNumberField(
        _l("Weight: startup or small public-supply record"), default=2, validators=_WEIGHT
    )
    weight_general = WholeNumberField(_l("Weight: everyone else"), default=1, validators=_WEIGHT)
    small_record = AmountField(
        _l("Small public-supply record limit (won)"),
        default="500,000,000",
        validators=[DataRequired(_l("Enter the limit.")), KRW(minimum=0)],
    )
    # checked by the service (an unknown code is refused there with a message); labels set by round_form()
    categories = SelectMultipleField(
        _l("Product categories"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    budget_rows: list  # (field, institution, quota left) for each institution, set by round_form()

    def budgets(self) -> list[tuple[str, int]]:
        """(institution code, won) for every institution given a budget."""
        return [(institution.code, f.krw) for f, institution, _left in self.budget_rows if (f.data or "").strip()]


def round_form(institutions, **kwargs) -> RoundForm:
    """A RoundForm with one budget input per institution (named budget-CODE), labelled with its code and
    name; `institutions` are (institution, what its MOUs have left) pairs. Empty: it does not take part."""
    fields = {
        f"budget_{institution.id}": StringField(
            f"{institution.code} · {localized(institution)}",
            name=f"budget-{institution.code}",
            validators=[Optional(), KRW()],
        )
        for institution, _left in institutions
    }
    form = type("RoundBudgetForm", (RoundForm,), fields)(**kwargs)
    form.budget_rows = [(getattr(form, f"budget_{i.id}"), i, left) for i, left in institutions]
    form.categories.choices = [(code, gettext(name)) for code, name in CATEGORIES.items()]
    return form


class ScoreForm(OneTimeForm):
    innovation = WholeNumberField(
        _l("Innovativeness and growth potential (0-40)"), validators=[InputRequired(_l("Enter a score."))]
    )
    capability = WholeNumberField(
        _l("Production and quality capability (0-30)"), validators=[InputRequired(_l("Enter a score."))]
    )
    need = WholeNumberField(_l("Need for support (0-30)"), validators=[InputRequired(_l("Enter a score."))])


class AnnounceSeedEventForm(SeedEventFields):
    """A later seed event, when the pool could not be frozen before the one announced."""

    seed_event_ko = TextAreaField(
        _l("Seed event (Korean)"), validators=[DataRequired(_l("Describe the seed event in Korean.")), _EVENT_TEXT]
    )
    seed_event_en = TextAreaField(
        _l("Seed event (English)"), validators=[DataRequired(_l("Describe the seed event in English.")), _EVENT_TEXT]
    )
    seed_event_on = DateField(_l("Seed event date (KST)"), validators=[DataRequired(_l("Enter the event's date."))])
    seed_event_time = TimeField(_l("Seed event time (KST)"), validators=[DataRequired(_l("Enter the event's time."))])
    reason = TextAreaField(
        _l("Reason (published)"),
        validators=[DataRequired(_l("Give the reason for announcing another seed event.")), Length(max=1000)],
    )


class DrawForm(OneTimeForm):
    seed = StringField(_l("Seed: the seed event's outcome"), validators=[Optional(), Length(max=200)])


_REASON = [DataRequired(_l("Give the reason for the change.")), Length(max=2000)]


class MoveAllocationForm(OneTimeForm):
    institution_id = SelectField(
        _l("Move to"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(_l("Choose the institution to move the allocation to."))],
    )
    reason = TextAreaField(_l("Reason (shown on the public round page)"), validators=_REASON)


class RefillAllocationForm(OneTimeForm):
    reason = TextAreaField(_l("Reason (shown on the public round page)"), validators=_REASON)


class TracksForm(OneTimeForm):
    """A draft round's tracks: a track takes part when its budget share is filled; none: no tracks."""

    startup_share = WholeNumberField(
        _l("Startup track: budget share (per cent)"),
        validators=[Optional(), NumberRange(1, 100, _l("A budget share is a whole number of per cent from 1 to 100."))],
    )
    startup_cap = AmountField(_l("Startup track: cap per application (won)"), validators=[Optional(), KRW()])
    startup_weight_first_timer = WholeNumberField(
        _l("Startup track weight: first-timer"), default=3, validators=_WEIGHT
    )
    startup_weight_startup = WholeNumberField(
        _l("Startup track weight: startup or small public-supply record"), default=2, validators=_WEIGHT
    )
    startup_weight_general = WholeNumberField(_l("Startup track weight: everyone else"), default=1, validators=_WEIGHT)
    general_share = WholeNumberField(
        _l("General track: budget share (per cent)"),
        validators=[Optional(), NumberRange(1, 100, _l("A budget share is a whole number of per cent from 1 to 100."))],
    )
    general_cap = AmountField(_l("General track: cap per application (won)"), validators=[Optional(), KRW()])
    general_record_limit = AmountField(
        _l("General track: public supply record under (won)"), validators=[Optional(), KRW()]
    )
    general_weight_first_timer = WholeNumberField(
        _l("General track weight: first-timer"), default=3, validators=_WEIGHT
    )
    general_weight_startup = WholeNumberField(
        _l("General track weight: startup or small public-supply record"), default=2, validators=_WEIGHT
    )
    general_weight_general = WholeNumberField(_l("General track weight: everyone else"), default=1, validators=_WEIGHT)
    small_share = WholeNumberField(
        _l("Small-value track: budget share (per cent)"),
        validators=[Optional(), NumberRange(1, 100, _l("A budget share is a whole number of per cent from 1 to 100."))],
    )
    small_cap = AmountField(_l("Small-value track: cap per application (won)"), validators=[Optional(), KRW()])
    small_weight_first_timer = WholeNumberField(
        _l("Small-value track weight: first-timer"), default=3, validators=_WEIGHT
    )
    small_weight_startup = WholeNumberField(
        _l("Small-value track weight: startup or small public-supply record"), default=2, validators=_WEIGHT
    )
    small_weight_general = WholeNumberField(
        _l("Small-value track weight: everyone else"), default=1, validators=_WEIGHT
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        needed = [
            f"{kind}_cap" for kind in ("startup", "general", "small") if getattr(self, f"{kind}_share").data is not None
        ]
        if self.general_share.data is not None:
            needed.append("general_record_limit")
        for name in needed:
            valid = _required(getattr(self, name)) and valid
        return valid


def _required(field) -> bool:
    """A field a filled budget share makes necessary: False (with the message) when it is empty."""
    if (field.data or "").strip() or field.errors:
        return not field.errors
    field.errors = [str(_l("Enter this to keep the track: it is needed once the track has a budget share."))]
    return False
