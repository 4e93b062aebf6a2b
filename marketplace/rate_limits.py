"""Per-client request limits on the forms strangers can reach (Flask-Limiter, storage from the config)."""

from __future__ import annotations

import time

from flask import current_app

from .extensions import limiter


def per_client(setting: str):
    """Limit POSTs from one client address to the endpoint by the limit string in config[setting]."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"])


def retry_after() -> str:
    """Seconds until the limit this request broke lets the client in again (the Retry-After header)."""
    current = limiter.current_limit
    if current is None:
        return "60"
    return str(max(1, current.reset_at - int(time.time())))
