"""The password policy with a real list of common passwords (zxcvbn's, from public breach data)."""

from __future__ import annotations

from functools import cache

from ..domain.passwords import check_password_policy


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords in zxcvbn's frequency lists, lower case (loaded once)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_password(password: str, *, email: str = "") -> None:
    """Raise WeakPassword for a short, long or common password, or one equal to the e-mail address."""
    check_password_policy(password, email=email, common=common_passwords())
