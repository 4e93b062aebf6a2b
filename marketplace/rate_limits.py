"""Per-client request limits on the forms strangers can reach (Flask-Limiter, storage from the config)."""

from __future__ import annotations

from flask import current_app

from .extensions import limiter


def per_client(setting: str):
    """Limit POSTs from one client address to the endpoint by the limit string in config[setting]."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"])
