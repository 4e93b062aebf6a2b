"""Starting sessions: the pending sign-in between password and code, the known-client cookie, waits."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, make_response, render_template, request, session
from flask_login import login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..services import sign_in

PENDING_KEY = "pending_sign_in"
PENDING_SECONDS = 600  # password checked, code not yet: the half-done sign-in expires after ten minutes
KNOWN_COOKIE = "known_client"
KNOWN_DAYS = 180


@dataclass(frozen=True)
class Pending:
    user_id: int
    version: int
    next_url: str | None


def _known_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-client")  # config.py always sets it


def attempt() -> sign_in.Attempt:
    """This request's client address, and the account it signed in to before (from the signed cookie)."""
    known = None
    cookie = request.cookies.get(KNOWN_COOKIE)
    if cookie:
        try:
            known = int(_known_serializer().loads(cookie, max_age=KNOWN_DAYS * 86400))
        except (BadSignature, TypeError, ValueError):
            known = None
    return sign_in.Attempt(request.remote_addr or "unknown", known)


def policy() -> sign_in.SignInPolicy:
    return sign_in.SignInPolicy.from_config(current_app.config)


def _fresh_session() -> None:
    language = session.get("lang")
    session.clear()  # a fresh session on each step: no fixation
    if language:
        session["lang"] = language


def begin_second_factor(user, next_url: str | None) -> None:
    """The password was right: remember that, and nothing more, until the code is checked."""
    _fresh_session()
    session[PENDING_KEY] = {
        "user": user.id,
        "version": user.session_version,
        "next": next_url,
        "at": sign_in.now().timestamp(),
    }


def pending() -> Pending | None:
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or sign_in.now().timestamp() - data.get("at", 0) > PENDING_SECONDS:
        return None
    return Pending(data["user"], data["version"], data.get("next"))


def start_session(user) -> None:
    """Sign the user in on a fresh session."""
    _fresh_session()
    login_user(user)
    session["login_at"] = time.time()
    session.permanent = True


def remember_client(response, user):
    """Mark this browser as one that signed in to the account: the account-wide wait does not apply to it."""
    config = current_app.config
    response.set_cookie(
        KNOWN_COOKIE,
        _known_serializer().dumps(user.id),
        max_age=KNOWN_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def too_many(template: str, seconds: int | str, **context):
    """Re-render a form with 429 and Retry-After (the message is already on the form)."""
    response = make_response(render_template(template, **context), 429)
    response.headers["Retry-After"] = str(seconds)
    return response
