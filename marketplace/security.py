"""Security headers, private downloads, request ids, session lifetime checks and safe redirect targets."""

from __future__ import annotations

import re
import secrets
import time
from io import BytesIO
from urllib.parse import urlsplit

from flask import current_app, g, request, send_file, session
from flask_login import current_user, logout_user, user_logged_in, user_logged_out

from .context import request_id, user_id

# what we keep of a client's (or proxy's) own X-Request-Id, for the access log only
CLIENT_REQUEST_ID_KEEP = re.compile(r"[^A-Za-z0-9._:/+=-]")
CLIENT_REQUEST_ID_MAX = 64

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def start_request() -> None:
    """Give the request our own id (a client's X-Request-Id is logged apart, never taken as ours)."""
    g.request_started = time.perf_counter()
    g.request_id = secrets.token_hex(8)
    request_id.set(g.request_id)
    g.client_request_id = CLIENT_REQUEST_ID_KEEP.sub("", request.headers.get("X-Request-Id", ""))[
        :CLIENT_REQUEST_ID_MAX
    ]
    user_id.set("")
    if request.blueprint == "api":
        return  # Bearer tokens only: the session is never read (api/auth.py sets the user id)
    _enforce_absolute_timeout()
    if current_user.is_authenticated:
        user_id.set(str(current_user.id))


def end_request(_error=None) -> None:
    """Forget the ids, so a worker thread's next log lines outside a request do not carry them."""
    request_id.set("")
    user_id.set("")


@user_logged_in.connect
def _signed_in(_app, user, **_extra) -> None:
    user_id.set(str(user.id))


@user_logged_out.connect
def _signed_out(_app, user=None, **_extra) -> None:
    user_id.set("")


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


def private_download(data: bytes, mimetype: str, filename: str):
    """A file for the signed-in person only: an attachment no cache keeps, under a name safe in a header."""
    name = "".join(ch for ch in filename if ch.isprintable() and ch not in '"\\/;').strip(" .") or "download"
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def safe_next(target: str | None) -> str | None:
    """Only follow a path on this site: no scheme, host, backslash or control character (CR/LF)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None  # a header cannot carry them: Werkzeug would raise on the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
