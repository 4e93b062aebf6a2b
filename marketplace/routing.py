"""URL converters: an id in a URL is a database id, so what no row can have simply does not match."""

from __future__ import annotations

import builtins
from urllib.parse import urlencode

from flask import abort, current_app, request, url_for
from werkzeug.routing import IntegerConverter

from .domain.errors import N_, NotFound
from .domain.numbers import read_page_number

MAX_ID = 2**63 - 1  # SQLite's INTEGER and PostgreSQL's bigint stop here; the drivers raise beyond it


class IdConverter(IntegerConverter):
    """Flask's <int:...> for row ids: 1 to 2^63-1 in ASCII digits, else the rule does not match (404).

    Werkzeug's own converter takes any run of Unicode digits of any length, so a 20-digit id would
    reach the database driver and fail there with a 500.
    """

    regex = r"[0-9]{1,19}"

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed: bool = False
    ) -> None:
        low = 1 if min is None else min
        high = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits, low, high, signed)


def id_argument(text: str) -> int:
    """type= for request.args.get(): an id as the converter takes it, else ValueError (the default is used)."""
    if not (0 < len(text) <= 19 and text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        raise ValueError(text)
    return int(text)


def page_argument(text: str) -> int:
    """type= for request.args.get(): a page number (domain.numbers.read_page_number), else ValueError."""
    page = read_page_number(text)
    if page is None:
        raise ValueError(text)
    return page


def page_request(size_setting: str = "LIST_PAGE_SIZE", param: str = "page") -> dict[str, int]:
    """page= and per_page= for a service's list: this request's page (or `param`; 1 unless it is a page
    number of at most six digits) and the configured page size.

    The page comes from the query or, for a form posted from a list, from its list_position() fields, so
    that its answer shows the same page again.
    """
    return {"page": request.values.get(param, 1, type=page_argument), "per_page": current_app.config[size_setting]}


def page_url(number: int, endpoint: str | None = None, param: str = "page", **values) -> str:
    """The address of page `number` of a list on this page, keeping the other query parameters (filters,
    another list's page); `param` names the list's page parameter.

    With another `endpoint` (a form posted elsewhere re-renders the list), its `values` make the address.
    The query is encoded here, not by url_for: a parameter named like url_for's own (endpoint, _external,
    _scheme) would otherwise change the address or fail.
    """
    shown = number if number > 1 else None
    here = request.endpoint or ""
    if endpoint is not None and endpoint != here:
        return url_for(endpoint, **{**values, param: shown})
    query = [(key, value) for key, value in request.args.items(multi=True) if key != param]
    if shown:
        query.append((param, str(shown)))
    path = url_for(here, **(request.view_args or {}))
    return f"{path}?{urlencode(query)}" if query else path


def export_url(endpoint: str, fmt: str, **values) -> str:
    """The address of the CSV or Excel file of the list on this page, with this page's filters (not its
    page number or language: the file holds the whole list, in the language of whoever downloads it)."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "lang") and not k.endswith("_page")]
    path = url_for(endpoint, fmt=fmt, **values)
    return f"{path}?{urlencode(query)}" if query else path


def refuse_filter(condition: bool) -> None:
    """A 400 saying a filter's value is not one the list offers, when `condition` holds."""
    if condition:
        abort(400, description=FILTER_REFUSED)


def id_filter(name: str) -> int | None:
    """An id filter of this request's query (None when empty); a 400 for anything but an id."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return id_argument(raw)
    except ValueError:
        abort(400, description=FILTER_REFUSED)


def choice_filter(name: str, allowed) -> str | None:
    """A filter of this request's query that must be one of `allowed` (None when empty); else a 400."""
    value = request.args.get(name, "").strip()
    refuse_filter(bool(value) and value not in allowed)
    return value or None


FILTER_REFUSED = N_("A filter has a value this list does not offer. Choose the filters on the list page and try again.")
NUL_REFUSED = N_("The form contained a character that cannot be saved (a NUL byte). Remove it and try again.")


def refuse_nul_bytes() -> None:
    """before_request: PostgreSQL cannot take NUL in text, so refuse it (400) before anything reads it."""
    if "\x00" in request.path:
        raise NotFound(N_("The page you asked for does not exist or was moved."))
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, description=NUL_REFUSED)


def init_app(app) -> None:
    """Replace the default int converter (call before any route is added); refuse NUL bytes."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)
    app.add_template_global(page_url)
    app.add_template_global(export_url)
