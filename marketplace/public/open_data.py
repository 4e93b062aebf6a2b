"""Open data: every round as an OCDS contracting process (release and record packages, bulk files)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _

from ..routing import id_argument
from ..services import ocds_packages
from .views import bp

MAX_SINCE_LENGTH = 40


def _problem(status: int, title: str, detail: str) -> Response:
    """An RFC 9457 problem, in the requester's language."""
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/problem+json")


def _json(document: dict, next_url: str | None = None) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def _since() -> datetime | None:
    """since= as an RFC 3339 date-time with its offset; ValueError when it is not one."""
    text = request.args.get("since", "").strip()
    if not text:
        return None
    if len(text) > MAX_SINCE_LENGTH:
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment.astimezone(UTC)


def _cursor() -> int | None:
    text = request.args.get("cursor", "").strip()
    return id_argument(text) if text else None


def _bad_query() -> Response:
    return _problem(
        400,
        _("Bad request"),
        _("since must be a date and time with its offset (for example 2026-01-01T00:00:00+09:00), cursor a number."),
    )


def _empty() -> Response:
    return _problem(404, _("Nothing to publish"), _("No release matches this request yet."))


@bp.get("/open-data")
def open_data():
    """What is published, in which format, under which licence, and the bulk files by year."""
    return render_template("public/open_data.html", years=ocds_packages.release_years(), prefix=ocds_packages.prefix())


@bp.get("/ocds/releases.json")
def ocds_releases():
    """A release package: releases in publication order, 100 at a time (since= and cursor=)."""
    try:
        since, cursor = _since(), _cursor()
    except ValueError:
        return _bad_query()
    page = ocds_packages.release_page(since, cursor)
    if not page.items:
        return _empty()
    args = {"since": request.args.get("since")} if since else {}
    next_url = (
        url_for("public.ocds_releases", cursor=page.next_cursor, _external=True, **args) if page.next_cursor else None
    )
    package = {**ocds_packages.package_head(request.url), "releases": page.items}
    if next_url:
        package["links"] = {"next": next_url}
    return _json(package, next_url)


@bp.get("/ocds/records.json")
def ocds_records():
    """A record package: one record per round (its releases and the compiled release), 20 at a time."""
    try:
        cursor = _cursor()
    except ValueError:
        return _bad_query()
    page = ocds_packages.record_page(cursor)
    if not page.items:
        return _empty()
    next_url = url_for("public.ocds_records", cursor=page.next_cursor, _external=True) if page.next_cursor else None
    package = {**ocds_packages.package_head(request.url), "records": page.items}
    if next_url:
        package["links"] = {"next": next_url}
    return _json(package, next_url)


@bp.get("/ocds/records/<ocid>.json")
def ocds_record(ocid):
    """The record package of one round."""
    return _json({**ocds_packages.package_head(request.url), "records": [ocds_packages.record_for(ocid)]})


@bp.get("/ocds/bulk/<int(min=2000,max=2999):year>.json")
def ocds_bulk(year):
    """Every release dated in a year (UTC), as one release package streamed as it is read."""
    if not ocds_packages.has_releases_in(year):
        return _empty()
    chunks = stream_with_context(ocds_packages.bulk_year(year, request.url))
    response = Response(chunks, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{ocds_packages.prefix()}-{year}.json"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
