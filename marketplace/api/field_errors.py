"""Why a parameter or a field of an API request was refused, in the requester's language.

pydantic words its errors in English only; the API answers in the language of Accept-Language, so each kind of
error pydantic reports for the API's models is worded here (a test checks every kind the models can raise).
"""

from __future__ import annotations

from flask_babel import gettext as _


def _limit(fault: dict, name: str) -> str:
    return str((fault.get("ctx") or {}).get(name, ""))


def field_error(fault: dict) -> str:
    """One pydantic error (an item of ValidationError.errors()) as 'where: why'."""
    where = ".".join(str(part) for part in fault.get("loc", ())) or "body"
    return f"{where}: {reason(fault)}"


def reason(fault: dict) -> str:
    kind = fault.get("type", "")
    if kind in WORDED:
        return WORDED[kind](fault)
    return _("This value is not valid here.")


WORDED = {
    "missing": lambda _f: _("This is required."),
    "extra_forbidden": lambda _f: _("This name is not one this operation takes."),
    "int_parsing": lambda _f: _("Enter a whole number."),
    "int_type": lambda _f: _("Enter a whole number."),
    "int_from_float": lambda _f: _("Enter a whole number."),
    "greater_than_equal": lambda f: _("Enter a number of at least %(limit)s.", limit=_limit(f, "ge")),
    "less_than_equal": lambda f: _("Enter a number of at most %(limit)s.", limit=_limit(f, "le")),
    "greater_than": lambda f: _("Enter a number greater than %(limit)s.", limit=_limit(f, "gt")),
    "less_than": lambda f: _("Enter a number less than %(limit)s.", limit=_limit(f, "lt")),
    "string_type": lambda _f: _("Enter text."),
    "string_too_long": lambda f: _("Enter at most %(limit)s characters.", limit=_limit(f, "max_length")),
    "string_too_short": lambda f: _("Enter at least %(limit)s characters.", limit=_limit(f, "min_length")),
    "string_pattern_mismatch": lambda _f: _("This text is not in the expected form."),
    "bool_parsing": lambda _f: _("Enter true or false."),
    "bool_type": lambda _f: _("Enter true or false."),
    "date_from_datetime_parsing": lambda _f: _("Enter a date as YYYY-MM-DD."),
    "date_parsing": lambda _f: _("Enter a date as YYYY-MM-DD."),
    "date_type": lambda _f: _("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": lambda _f: _("Enter a date as YYYY-MM-DD."),
    "literal_error": lambda f: _("Enter one of: %(choices)s.", choices=_limit(f, "expected")),
    "enum": lambda f: _("Enter one of: %(choices)s.", choices=_limit(f, "expected")),
    "json_invalid": lambda _f: _("The body is not valid JSON."),
    "model_type": lambda _f: _("Send a JSON object."),
    "model_attributes_type": lambda _f: _("Send a JSON object."),
    "dict_type": lambda _f: _("Send a JSON object."),
    "list_type": lambda _f: _("Send a list."),
    "value_error": lambda _f: _("This value is not valid here."),
}
