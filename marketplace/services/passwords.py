"""The password policy with a real list of common passwords (zxcvbn's, from public breach data)."""

from __future__ import annotations

from functools import cache

from flask import current_app
from werkzeug.security import generate_password_hash

from ..domain.passwords import check_password_policy


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords in zxcvbn's frequency lists, lower case (loaded once)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_password(password: str, *, email: str = "") -> None:
    """Raise WeakPassword for a short, long or common password, or one equal to the e-mail address."""
    check_password_policy(password, email=email, common=common_passwords())


def hash_password(password: str) -> str:
    """The stored hash: scrypt (config PASSWORD_HASH_METHOD; only the tests choose a faster one)."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))
