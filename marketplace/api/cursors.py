"""Opaque list cursors: URL-safe base64 of the last key (or position) an answer ended at."""

from __future__ import annotations

import base64
import binascii
import json

from flask_babel import gettext as _

from .problems import ApiProblem

MAX_KEY = 2**53


def encode(value: int) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode("ascii")).decode("ascii").rstrip("=")


def decode(cursor: str | None) -> int | None:
    """The key a cursor names (None without one); a 400 problem for anything `encode` did not make."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        value = None
    if type(value) is not int or not 0 <= value < MAX_KEY:
        raise ApiProblem(400, detail=_("This cursor is not valid: use the `next` of a previous answer."))
    return value
