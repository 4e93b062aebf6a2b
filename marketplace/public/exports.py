"""CSV and Excel files of the public lists: a catalogue search (every page of it), a round's result."""

from __future__ import annotations

from flask import request

from ..domain.catalogue import refused_filters
from ..exports import send_table
from ..rate_limits import public_exports
from ..routing import refuse_filter
from ..services import catalogue, exports_public
from ..services.clock import seoul_today
from .views import bp, catalogue_query


@bp.get("/products/export.<any(csv,xlsx):fmt>")
@public_exports
def catalogue_export(fmt: str):
    """Every product the catalogue search finds, on all its pages, in its order; 400 for a filter value
    the catalogue does not offer."""
    query = catalogue_query(catalogue.certificate_type_choices())
    refuse_filter(bool(refused_filters(request.args, query)))
    today = seoul_today()
    return send_table(exports_public.catalogue_table(query, today), fmt, today)


@bp.get("/rounds/<round_code>/result.<any(csv,xlsx):fmt>")
@public_exports
def round_result_export(round_code: str, fmt: str):
    """A published round's selected applications and waitlist."""
    return send_table(exports_public.round_result_table(round_code), fmt, seoul_today())
