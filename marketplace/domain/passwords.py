"""Password policy: length, and refusal of common passwords (no composition rules)."""

from collections.abc import Container

from .errors import N_, DomainError

MIN_LENGTH = 10
MAX_LENGTH = 128

# The most common passwords of ten or more characters in public breach lists, plus local favourites.
COMMON = frozenset(
    """
1234567890 0123456789 1q2w3e4r5t qwertyuiop 1qaz2wsx3edc password123 password12 password1!
qwerty1234 qwerty12345 iloveyou12 abcd123456 a123456789 1234qwerty asdfghjkl1 zxcvbnm123
football12 baseball12 princess12 sunshine12 welcome123 admin12345 administrator passw0rd12
123456789a 1234567890a 11111111111 0000000000 1111111111 9876543210 qwer1234!! p@ssw0rd123
dkssudgktpdy gkswjdgk12 letmein123 changeme12 trustno1234 starwars12 master1234 dragon1234
superman12 michael123 q1w2e3r4t5 1q2w3e4r!! asdf1234!! korea12345 seoul12345 samsung123
""".split()
)


class WeakPassword(DomainError):
    """The password is too short, too long, or too common."""


def check_password_policy(password: str, *, email: str = "", common: Container[str] = frozenset()) -> None:
    """Raise WeakPassword unless the password is 10 to 128 characters and not common.

    `common` is a list of common passwords (lower case) from outside the domain, checked besides COMMON;
    services/passwords.py passes zxcvbn's list of 30,000 passwords from public breaches.
    """
    if len(password) < MIN_LENGTH:
        raise WeakPassword(N_("Use at least %(n)d characters."), n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise WeakPassword(N_("Use at most %(n)d characters."), n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in COMMON or lowered in common or len(set(lowered)) <= 2:
        raise WeakPassword(N_("This password is too common. Choose a less predictable one."))
    if email and lowered == email.lower():
        raise WeakPassword(N_("Do not use your e-mail address as the password."))
