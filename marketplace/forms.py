"""Form helpers and fields shared by every blueprint."""

from __future__ import annotations

from typing import TypeVar

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, IntegerField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; the stubs are 3.2
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from .domain.errors import DomainError
from .domain.money import parse_krw
from .domain.numbers import read_whole_number
from .form_keys import new_key
from .i18n import domain_message, label
from .routing import id_argument

# A plain shape check (the e-mail_validator package is not a dependency); the address is not verified.
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def required_email(label=None) -> EmailField:
    """A required e-mail address of at most 254 characters, checked for its shape."""
    return EmailField(
        label or _l("E-mail"),
        validators=[
            DataRequired(_l("Enter the e-mail address.")),
            Regexp(EMAIL, message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )


DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD.")


class OneTimeForm(FlaskForm):
    """The base of every form that changes something: it carries a one-time key (see form_keys.py).

    A fresh key each time the form is rendered; a form re-rendered after a refusal keeps the key it
    was posted with, which the refusal left unclaimed.
    """

    # no id: a page may carry several such forms, and an id must be unique on a page
    form_key = HiddenField(default=new_key, render_kw={"id": False})


class GetForm(FlaskForm):
    """A form sent by GET that only reads (a report request, a lookup): nothing to forge, so no CSRF token."""

    class Meta:
        csrf = False


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options; WTForms 3.3 deprecates tuples (3.4 removes them)."""
    return [SelectChoice(value, label) for value, label in pairs]


def labelled(vocabulary: dict[str, str]) -> list[tuple[str, str]]:
    """(code, label) pairs of one of the fixed vocabularies of marketplace.domain.reference."""
    return [(code, label(vocabulary, code)) for code in vocabulary]


def rerender(template: str, status: int = 400, **context):
    """Re-render a form page with the status that tells the client the input was refused."""
    return render_template(template, **context), status


def attach_error(form, field_name: str | None, error: DomainError | str) -> None:
    """Show a domain error next to the field it concerns (or at the top of the form)."""
    message = domain_message(error) if isinstance(error, DomainError) else error
    if field_name and hasattr(form, field_name):
        getattr(form, field_name).errors = [*getattr(form, field_name).errors, message]
    else:
        form.form_errors.append(message)


T = TypeVar("T")


def filled(value: T | None) -> T:
    """The value of a required field, read once its form has validated (its validators refuse an empty one)."""
    if value is None:
        raise ValueError("a required field is empty: read it only after the form has validated")
    return value


class AmountField(StringField):
    """A won amount as typed ('1,000,000'): its KRW validator leaves the whole won in `krw`."""

    krw: int


class KRW:
    """WTForms validator: a whole-won amount within a range, parsed by the domain."""

    def __init__(self, minimum: int = 1, maximum: int | None = None):
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, form, field):
        try:
            kwargs = {"minimum": self.minimum}
            if self.maximum is not None:
                kwargs["maximum"] = self.maximum
            field.krw = parse_krw(field.data or "", **kwargs)
        except DomainError as error:
            raise ValidationError(domain_message(error)) from error


class WholeNumberField(IntegerField):
    """An IntegerField that reads only what people type as a whole number (domain/numbers.py).

    WTForms' own calls int(), which also takes '1_000' and full-width digits, and whose refusal of
    more than 4,300 digits would come back as an English message.
    """

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = read_whole_number((valuelist[0] or "").replace(",", "").strip())
        if self.data is None:
            raise ValueError(str(_l("Enter a whole number, using digits only.")))


class Date(DateField):
    """An ISO date field (required unless told otherwise) whose parse error is our own plain message."""

    def __init__(self, label, required: bool = True, **kwargs):
        validators = [InputRequired(DATE_MESSAGE) if required else Optional()]
        super().__init__(label, format="%Y-%m-%d", validators=validators, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(DATE_MESSAGE)) from error


def row_id(value) -> int:
    """SelectField coerce for row ids: an id past the database's integers is refused as a choice."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return id_argument(str(value))


REQUIRED = _l("This field is required.")
