"""Error pages in both languages, and JSON errors for the API."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

from .domain.errors import N_
from .extensions import db
from .routing import NUL_REFUSED

MESSAGES = {
    400: (N_("Bad request"), N_("We could not understand the request. Check the form and try again.")),
    403: (N_("Not allowed"), N_("You do not have permission to open this page.")),
    404: (N_("Page not found"), N_("The page you asked for does not exist or was moved.")),
    405: (N_("Method not allowed"), N_("This address does not accept that kind of request.")),
    413: (N_("File too large"), N_("The file is larger than allowed. Upload a file of at most 10 MB.")),
    429: (N_("Too many requests"), N_("Too many attempts. Wait a little and try again.")),
    500: (N_("Something went wrong"),
          N_("An unexpected error occurred. It has been logged; please try again later.")),
}


def _wants_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def render_error(error: HTTPException):
    code = error.code or 500
    title, text = MESSAGES.get(code, MESSAGES[500])
    if code == 400 and getattr(error, "description", None) and "CSRF" in str(error.description):
        text = N_("The form expired or was sent from another page. Reload the page and try again.")
    elif code == 400 and getattr(error, "description", None) == NUL_REFUSED:
        text = NUL_REFUSED
    if _wants_json():
        return jsonify(error=_(title), message=_(text)), code
    return render_template("errors/error.html", code=code, title=_(title), text=_(text)), code


def handle_unexpected(error: Exception):
    current_app.logger.exception("Unhandled error on %s", request.path)
    db.session.rollback()
    return render_error(InternalServerError(original_exception=error))


def init_app(app) -> None:
    app.register_error_handler(HTTPException, render_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
