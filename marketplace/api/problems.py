"""The API's refusals: ApiProblem, answered as an RFC 9457 problem (errors.problem_response)."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from ..errors import API_MESSAGES, MESSAGES, problem_response

# The kinds of problem that need more than their status: each answer's `type` is /api/v1/docs#problem-<kind>,
# and the documentation page explains each one there.
PROBLEM_TYPES = {
    "idempotency-key-reused": (
        _l("Idempotency-Key reused"),
        _l(
            "The Idempotency-Key was already used with another request body. Send a new key for a new order; "
            "send the same body again to get the first answer."
        ),
    ),
    "idempotency-key-in-flight": (
        _l("Request still being processed"),
        _l(
            "A request with this Idempotency-Key is still being carried out. Ask again in a moment with the same "
            "key and body: you get its order, never a second one."
        ),
    ),
    "order-refused": (
        _l("Order refused"),
        _l(
            "The order breaks a rule of the purchase form; `errors` lists every reason in the form's own words. "
            "Nothing was recorded and the Idempotency-Key stays free, so the corrected order can use it."
        ),
    ),
}


class ApiProblem(HTTPException):
    """Raised anywhere in an API request: answered as a problem with this status, title and detail (already
    translated; the status's own when not given) and, when there are several, every reason in `errors`."""

    is_problem = True  # errors.render_error answers with get_response() on /api/ addresses

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        *,
        errors: list[str] | None = None,
        kind: str | None = None,
    ):
        super().__init__()
        if kind is not None and kind not in PROBLEM_TYPES:
            raise ValueError(f"undocumented problem type {kind!r}: add it to PROBLEM_TYPES")
        self.code = status
        default_title, default_detail = API_MESSAGES.get(status) or MESSAGES.get(status, MESSAGES[500])
        self.title = title or _(default_title)
        self.detail = detail or _(default_detail)
        self.errors = errors
        self.kind = kind

    def get_response(self, environ=None, scope=None) -> Response:  # noqa: ARG002 - Werkzeug's signature
        return problem_response(self.code or 500, self.title, self.detail, errors=self.errors, kind=self.kind)
