"""Opaque list cursors: URL-safe base64 of the last key (or position) an answer ended at."""

from __future__ import annotations

import base64
import binascii
import json

from flask_babel import gettext as _

from .problems import ApiProblem


def encode(value: list | int | str) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str | None, shape: type) -> object | None:
    """The key a cursor names, checked to be of `shape` (int, or list of ints/strings); 400 otherwise."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        value = None
    if not _fits(value, shape):
        raise ApiProblem(400, detail=_("This cursor is not valid: use the `next` of a previous answer."))
    return value


def _fits(value, shape: type) -> bool:
    if shape is int:
        return type(value) is int and 0 <= value < 2**53
    if shape is list:
        return (
            isinstance(value, list)
            and 0 < len(value) <= 3
            and all(
                (type(part) is int and 0 <= part < 2**53) or (isinstance(part, str) and len(part) <= 40)
                for part in value
            )
        )
    return False
