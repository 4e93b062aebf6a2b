"""Absolute links for mails, always on PUBLIC_BASE_URL (never the Host a request named), and the signed
unsubscribe token that works without signing in."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..models import User

UNSUBSCRIBE_SALT = "unsubscribe"


def public_url(endpoint: str, **values) -> str:
    """The endpoint's absolute address on the site's public address; works outside requests (workers)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User) -> str:
    """A token naming the user, signed with the app's key: it turns their notifications off, nothing else."""
    return _serializer().dumps({"u": user.id})


def user_id_of_unsubscribe(token: str) -> int | None:
    """The user a token names; None when it was not signed by this app."""
    try:
        payload = _serializer().loads(token or "")
    except BadSignature:
        return None
    user_id = payload.get("u") if isinstance(payload, dict) else None
    return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None
