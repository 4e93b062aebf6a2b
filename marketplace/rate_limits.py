"""Per-client request limits on the forms strangers can reach (Flask-Limiter, storage from the config)."""

from __future__ import annotations

import time

from flask import current_app, g, request

from .extensions import limiter


def per_client(setting: str):
    """Limit POSTs from one client address to the endpoint by the limit string in config[setting]."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"])


def public_exports(view):
    """The public lists' files (every page of a search): RATELIMIT_EXPORTS per client address."""
    return limiter.limit(lambda: current_app.config["RATELIMIT_EXPORTS"], methods=["GET"], scope="exports")(view)


def _no_proof_offered() -> bool:
    return request.method == "GET" and not request.args.get("code")


def _counts(_response) -> bool:
    return request.method == "POST" or bool(g.get("verification_refused"))


def verification_attempts(view):
    """One allowance per client (RATELIMIT_UPLOADS) shared by every way to unlock a certificate's facts:
    each PDF upload, and each verification code that was wrong (a right one, or a look without a
    code, is not counted; past the limit every attempt waits, the right code too)."""
    return limiter.shared_limit(
        lambda: current_app.config["RATELIMIT_UPLOADS"],
        scope="verification",
        methods=["GET", "POST"],
        exempt_when=_no_proof_offered,
        deduct_when=_counts,
    )(view)


def retry_after() -> str:
    """Seconds until the limit this request broke lets the client in again (the Retry-After header)."""
    current = limiter.current_limit
    if current is None:
        return "60"
    return str(max(1, current.reset_at - int(time.time())))
