"""Security headers, request ids and session lifetime checks."""

from __future__ import annotations

import secrets
import time

from flask import current_app, g, request, session
from flask_login import current_user, logout_user

from .context import request_id

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def start_request() -> None:
    rid = request.headers.get("X-Request-Id", "")[:40] or secrets.token_hex(8)
    g.request_id = rid
    request_id.set(rid)
    _enforce_absolute_timeout()


def _enforce_absolute_timeout() -> None:
    """End a session older than SESSION_ABSOLUTE_HOURS even while it is in use (ASVS 7.3.2)."""
    if not current_user.is_authenticated:
        return
    started = session.get("login_at", 0)
    if time.time() - started > current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600:
        logout_user()
        session.clear()


def set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if getattr(g, "request_id", None):
        headers["X-Request-Id"] = g.request_id
    if current_user.is_authenticated:
        headers.setdefault("Cache-Control", "no-store")
    return response
