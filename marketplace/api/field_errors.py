"""Why a parameter or a field of an API request was refused, in the requester's language.

pydantic words its errors in English only; the API answers in the language of Accept-Language, so each kind of
error pydantic reports for the API's models is worded here (a test sends malformed bodies in both languages).
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..domain.errors import N_


def _limit(fault: dict, name: str) -> str:
    return str((fault.get("ctx") or {}).get(name, ""))


def field_error(fault: dict) -> str:
    """One pydantic error (an item of ValidationError.errors()) as 'where: why'."""
    where = ".".join(str(part) for part in fault.get("loc", ())) or "body"
    return f"{where}: {reason(fault)}"


def reason(fault: dict) -> str:
    kind = fault.get("type", "")
    if kind in BOUNDS:
        text, limit = BOUNDS[kind]
        return _(text, limit=_limit(fault, limit))
    if kind in CHOICES:
        return _("Enter one of: %(choices)s.", choices=_limit(fault, "expected"))
    return _(PLAIN.get(kind, N_("This value is not valid here.")))


# pydantic error type -> (message, the context value it names)
BOUNDS = {
    "greater_than_equal": (N_("Enter a number of at least %(limit)s."), "ge"),
    "less_than_equal": (N_("Enter a number of at most %(limit)s."), "le"),
    "greater_than": (N_("Enter a number greater than %(limit)s."), "gt"),
    "less_than": (N_("Enter a number less than %(limit)s."), "lt"),
    "string_too_long": (N_("Enter at most %(limit)s characters."), "max_length"),
    "string_too_short": (N_("Enter at least %(limit)s characters."), "min_length"),
}
CHOICES = {"literal_error", "enum"}
_WHOLE, _DATE, _BOOL, _OBJECT = (
    N_("Enter a whole number."),
    N_("Enter a date as YYYY-MM-DD."),
    N_("Enter true or false."),
    N_("Send a JSON object."),
)
PLAIN = {
    "missing": N_("This is required."),
    "extra_forbidden": N_("This name is not one this operation takes."),
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float"), _WHOLE),
    "string_type": N_("Enter text."),
    "string_pattern_mismatch": N_("This text is not in the expected form."),
    **dict.fromkeys(("bool_parsing", "bool_type"), _BOOL),
    **dict.fromkeys(("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"), _DATE),
    "json_invalid": N_("The body is not valid JSON."),
    **dict.fromkeys(("model_type", "model_attributes_type", "dict_type"), _OBJECT),
    "list_type": N_("Send a list."),
}
