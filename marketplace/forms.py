"""Form helpers shared by every blueprint."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, ValidationError
from wtforms.fields.choices import SelectChoice

from .domain.errors import DomainError
from .domain.money import parse_krw
from .form_keys import new_key
from .i18n import domain_message


class OneTimeForm(FlaskForm):
    """The base of every form that changes something: it carries a one-time key (see form_keys.py).

    A fresh key each time the form is rendered; a form re-rendered after a refusal keeps the key it
    was posted with, which the refusal left unclaimed.
    """

    form_key = HiddenField(default=new_key)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options; WTForms 3.3 deprecates tuples (3.4 removes them)."""
    return [SelectChoice(value, label) for value, label in pairs]


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


REQUIRED = _l("This field is required.")
