"""Error pages in both languages, and JSON errors for the API."""

from __future__ import annotations

import json

from flask import Response, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.wrappers import Response as WerkzeugResponse

from .context import request_id
from .domain.errors import N_, NotFound
from .extensions import db
from .routing import FILTER_REFUSED, NUL_REFUSED

MESSAGES = {
    400: (N_("Bad request"), N_("We could not understand the request. Check the form and try again.")),
    403: (N_("Not allowed"), N_("You do not have permission to open this page.")),
    404: (N_("Page not found"), N_("The page you asked for does not exist or was moved.")),
    405: (N_("Method not allowed"), N_("This address does not accept that kind of request.")),
    413: (N_("File too large"), N_("The file is larger than allowed. Upload a file of at most 10 MB.")),
    429: (N_("Too many requests"), N_("Too many attempts. Wait a little and try again.")),
    503: (N_("The service is busy"), N_("Nothing was saved. The service is busy; try again.")),
    500: (N_("Something went wrong"), N_("An unexpected error occurred. It has been logged; please try again later.")),
}

# the API's own wording where the page's would talk of pages and forms
API_MESSAGES = {
    400: (N_("Bad request"), N_("The request is not valid. Check the parameters and the body.")),
    401: (N_("Token needed"), N_("Send a valid API token: Authorization: Bearer <token>.")),
    403: (N_("Not allowed"), N_("This token may not do this.")),
    404: (N_("Not found"), N_("There is no such thing, or it is not yours to see.")),
    405: (N_("Method not allowed"), N_("This address does not accept that kind of request.")),
    409: (N_("Already submitted"), N_("This request is still being processed; check the result in a moment.")),
    422: (N_("Not acceptable"), N_("The request could not be carried out.")),
}
PROBLEM = "application/problem+json"


def problem_response(status: int, title: str, detail: str, *, errors=None, kind: str | None = None) -> Response:
    """An RFC 9457 problem (title and detail already in the requester's language)."""
    from .i18n import current_language

    body: dict = {
        "type": f"/api/v1/docs#problem-{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    response.headers["Content-Language"] = current_language()
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _api_problem(error: HTTPException) -> WerkzeugResponse:
    """Any HTTP error on an /api/ address (unknown address, wrong method, limits, busy database, a crash)."""
    if getattr(error, "is_problem", False):  # an api.problems.ApiProblem: its response is the problem
        return error.get_response()
    code = error.code or 500
    title, text = API_MESSAGES.get(code) or MESSAGES.get(code, MESSAGES[500])
    response = problem_response(code, _(title), _(text))
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(error: HTTPException):
    if request.path.startswith("/api/"):
        return _api_problem(error)
    return _error_page(error)


def _error_page(error: HTTPException):
    code = error.code or 500
    title, text = MESSAGES.get(code, MESSAGES[500])
    if code == 400 and getattr(error, "description", None) and "CSRF" in str(error.description):
        text = N_("The form expired or was sent from another page. Reload the page and try again.")
    elif code == 400 and getattr(error, "description", None) in (NUL_REFUSED, FILTER_REFUSED):
        text = str(error.description)
    # keep what the exception says beyond its body: Allow on a 405, Retry-After on a 429
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if _wants_json():
        return jsonify(error=_(title), message=_(text)), code, headers
    return (
        render_template("errors/error.html", code=code, title=_(title), text=_(text), request_id=request_id.get()),
        code,
        headers,
    )


def not_found(error: NotFound):
    """A row that does not exist or is not the user's: the same 404 page (or JSON) as an unknown address."""
    return render_error(HTTPNotFound())


def too_many_requests(error: HTTPException):
    """Over a per-client limit: the error page in the user's language, and when to come back."""
    from .rate_limits import retry_after

    response = make_response(render_error(error))
    response.headers["Retry-After"] = retry_after()
    return response


def handle_unexpected(error: Exception):
    # the log record carries request_id and user_id (logs.py), and the page shows the request id
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return render_error(InternalServerError(original_exception=error))


# SQLite's busy answers, and PostgreSQL's lock_timeout (55P03), serialization failure and deadlock
BUSY_TEXTS = ("database is locked", "database is busy", "database table is locked")
BUSY_SQLSTATES = {"55P03", "40001", "40P01"}
RETRY_AFTER_SECONDS = 2


def is_busy(error: OperationalError) -> bool:
    """True when the database refused for want of a lock in time, not for a fault."""
    if getattr(error.orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return any(text in str(error.orig).lower() for text in BUSY_TEXTS)


def handle_operational(error: OperationalError):
    """A lock not had in time: nothing was saved, so answer 503 and ask for a retry; anything else is a 500."""
    db.session.rollback()
    if not is_busy(error):
        raise error
    current_app.logger.warning("Database busy on %s: %s", request.path, error.orig)
    response = make_response(render_error(ServiceUnavailable()))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(OperationalError, handle_operational)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
