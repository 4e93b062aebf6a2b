"""The API's refusals: ApiProblem, answered as an RFC 9457 problem (errors.problem_response)."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..errors import API_MESSAGES, MESSAGES, problem_response


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
        self.code = status
        default_title, default_detail = API_MESSAGES.get(status) or MESSAGES.get(status, MESSAGES[500])
        self.title = title or _(default_title)
        self.detail = detail or _(default_detail)
        self.errors = errors
        self.kind = kind

    def get_response(self, environ=None, scope=None) -> Response:  # noqa: ARG002 - Werkzeug's signature
        return problem_response(self.code or 500, self.title, self.detail, errors=self.errors, kind=self.kind)
