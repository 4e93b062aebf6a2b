"""Reading the mails a test caused: kept in memory by Flask-Mailman's locmem backend (tests/conftest.py)."""

from __future__ import annotations

import re

from flask import current_app


def sent(address: str | None = None) -> list:
    """The messages handed to the mail backend so far, to `address` only when given."""
    outbox = getattr(current_app.extensions["mailman"], "outbox", [])
    return [m for m in outbox if address is None or address in m.to]


def link(message, path: str) -> str:
    """The path of the first link to `path` (e.g. "/reset-password/") in the message's text part."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}[\w.-]+)", message.body)
    assert found, f"no {path} link in: {message.body}"
    return found.group(1)
