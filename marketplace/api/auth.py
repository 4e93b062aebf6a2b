"""Who may call each API operation (access.API_ACCESS): anyone, or a Bearer token that may read or write.

The API never looks at the session cookie: a signed-in browser is anonymous here. The token's user acts
with the rights of their role (a buyer: their institution's rows only; ministry staff: read everything).
"""

from __future__ import annotations

import hashlib

from flask import current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from ..access import API_ACCESS, API_PUBLIC, API_WRITE
from ..context import user_id
from ..domain.states import ApiTokenScope, UserRole
from ..extensions import limiter
from ..models import ApiToken, User
from ..services import api_tokens
from .problems import ApiProblem

API_PREFIX = "/api/"


def _bearer() -> str | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def authenticate() -> None:
    """before_request of the API: refuse an undeclared operation, a missing or dead token, a read token's write."""
    need = API_ACCESS.get(request.endpoint or "")
    if need is None:
        raise ApiProblem(404)
    if need == API_PUBLIC:
        return
    secret = _bearer()
    if secret is None:
        raise ApiProblem(401)
    token = api_tokens.authenticate(secret)
    if token is None:
        raise ApiProblem(401, detail=_("This API token is unknown, expired or revoked."))
    if need == API_WRITE and token.scope != ApiTokenScope.WRITE:
        raise ApiProblem(403, detail=_("This API token may only read. Make a read-write token to place orders."))
    g.api_token = token
    user_id.set(str(token.user_id))


def token() -> ApiToken:
    return g.api_token


def caller() -> User:
    """The token's user (loaded with the token)."""
    return g.api_token.user


def institution_scope() -> int | None:
    """The institution whose rows the caller may see: a buyer's own; None for ministry staff (all)."""
    user = caller()
    if user.role == UserRole.MINISTRY:
        return None
    if user.institution_id is None:
        raise ApiProblem(404)
    return user.institution_id


def client_key() -> str:
    """Rate limits count per token (its secret's hash) when one is sent, else per client address."""
    secret = _bearer()
    if secret:
        return "token:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]
    return get_remote_address()


def api_limit():
    return current_app.config["RATELIMIT_API"]


def init_limits(blueprint) -> None:
    limiter.limit(api_limit, key_func=client_key, scope="api")(blueprint)


class SessionlessApi(SecureCookieSessionInterface):
    """The browser session, except that API requests neither read nor refresh it: a token is the only credential."""

    def open_session(self, app, request):
        if request.path.startswith(API_PREFIX):
            return self.null_session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if request.path.startswith(API_PREFIX):
            return
        super().save_session(app, session, response)
